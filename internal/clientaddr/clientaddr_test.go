package clientaddr

import "testing"

func TestKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"192.0.2.7", "192.0.2.7"},
		{"::ffff:192.0.2.7", "192.0.2.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"::1", "::/64"},
		{"", ""},
		{"not an address", "not an address"},
	}
	for _, tt := range tests {
		if got := Key(tt.in); got != tt.want {
			t.Errorf("Key(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFromRemoteAddr(t *testing.T) {
	tests := []struct{ in, want string }{
		{"192.0.2.7:5000", "192.0.2.7"},
		{"[2001:db8:1:2::9]:443", "2001:db8:1:2::/64"},
		{"192.0.2.7", "192.0.2.7"},
	}
	for _, tt := range tests {
		if got := FromRemoteAddr(tt.in); got != tt.want {
			t.Errorf("FromRemoteAddr(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
