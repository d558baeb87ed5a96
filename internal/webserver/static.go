package webserver

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"sipgate-account/internal/webheaders"
)

// encodings are the pre-compressed copies a file may have beside it, best
// first. `make build` writes sipgate-account.wasm.br and .gz; brotli is about
// a fifth of the raw module and gzip about a quarter.
var encodings = []struct{ name, ext string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// staticFiles serves the web root. For a file with pre-compressed copies it
// picks the best one the browser accepts and sends it with Content-Encoding
// and Vary: Accept-Encoding (once); a copy older than its original is stale
// and never sent. Every file gets a strong ETag from a hash of
// the bytes sent, so a revalidation (Cache-Control: no-cache) costs a 304
// and no download while the file is unchanged. Directories and redirects are
// left to http.FileServer.
type staticFiles struct {
	fsys  fs.FS
	files http.Handler

	mu    sync.Mutex
	etags map[etagKey]string
}

// etagKey identifies one version of one file, so a rebuilt file gets a new
// hash without hashing on every request.
type etagKey struct {
	name    string
	size    int64
	modTime time.Time
}

func newStaticFiles(fsys fs.FS) *staticFiles {
	return &staticFiles{fsys: fsys, files: http.FileServer(http.FS(fsys)), etags: map[etagKey]string{}}
}

// maxRanges is how many ranges one request may ask for. A browser asks for
// one; thousands of tiny ranges turn a small request into a large answer
// of multipart headers.
const maxRanges = 16

func (s *staticFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if bad, status := badName(r.URL.Path); bad != "" {
		http.Error(w, bad, status)
		return
	}
	if rng := r.Header.Get("Range"); strings.Count(rng, ",") >= maxRanges {
		w.Header().Set("Content-Range", "bytes */*")
		http.Error(w, "416 Range Not Satisfiable: at most "+strconv.Itoa(maxRanges)+" ranges", http.StatusRequestedRangeNotSatisfiable)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if strings.HasSuffix(r.URL.Path, "/") {
		name = path.Join(name, "index.html")
	}
	if name == "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		s.files.ServeHTTP(w, r)
		return
	}
	ctype := contentType(name)
	if ctype == "" {
		// Unknown types are left to http.FileServer, which sniffs them;
		// sniffing a compressed copy would give the wrong answer.
		s.files.ServeHTTP(w, r)
		return
	}
	// A copy counts only beside its original and while it is not older: a
	// file changed after `make build` wrote its copies is sent as it is
	// now, and a deleted file's copies are not sent at all.
	original, err := fs.Stat(s.fsys, name)
	variants := false
	for _, enc := range encodings {
		f, info, ok := s.open(name + enc.ext)
		if !ok {
			continue
		}
		if err != nil || info.ModTime().Before(original.ModTime()) {
			f.Close()
			continue
		}
		// This file has variants: caches must key on Accept-Encoding.
		if !variants {
			w.Header().Add("Vary", "Accept-Encoding")
			variants = true
		}
		if !accepts(r.Header.Get("Accept-Encoding"), enc.name) {
			f.Close()
			continue
		}
		defer f.Close()
		w.Header().Set("Content-Encoding", enc.name)
		s.serve(w, r, name+enc.ext, f, info, ctype)
		return
	}
	f, info, ok := s.open(name)
	if !ok {
		s.files.ServeHTTP(w, r) // 404s and directory redirects, as usual
		return
	}
	defer f.Close()
	s.serve(w, r, name, f, info, ctype)
}

// badName explains why a request path cannot name a file, with the status
// to answer: a control character (NUL among them) is a bad request. (A name
// the file system refuses otherwise, one too long say, is a file that is
// not there: see noListing.)
func badName(p string) (string, int) {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c < 0x20 || c == 0x7f {
			return "400 Bad Request: a control character in the path", http.StatusBadRequest
		}
	}
	return "", 0
}

// open opens name when it is a regular file that can seek (what
// http.ServeContent needs for ranges and HEAD).
func (s *staticFiles) open(name string) (io.ReadSeekCloser, fs.FileInfo, bool) {
	f, err := s.fsys.Open(name)
	if err != nil {
		return nil, nil, false
	}
	info, err := f.Stat()
	rs, seekable := f.(io.ReadSeekCloser)
	if err != nil || !info.Mode().IsRegular() || !seekable {
		f.Close()
		return nil, nil, false
	}
	return rs, info, true
}

func (s *staticFiles) serve(w http.ResponseWriter, r *http.Request, name string, f io.ReadSeeker, info fs.FileInfo, ctype string) {
	etag, err := s.etag(name, f, info)
	if err != nil {
		http.Error(w, "500 Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("ETag", etag)
	if w.Header().Get("Content-Encoding") != "" && r.Header.Get("Range") == "" {
		// ServeContent leaves the length out once Content-Encoding is set
		// (it cannot know who compresses). Here the copy on disk is exactly
		// what is sent, and a browser shows download progress only with it.
		w.Header().Set("Content-Length", strconv.FormatInt(info.Size(), 10))
	}
	// ServeContent answers If-None-Match with 304 and handles ranges and HEAD.
	http.ServeContent(w, r, name, info.ModTime(), f)
}

// etag is a strong validator: the first 128 bits of the SHA-256 of the file.
func (s *staticFiles) etag(name string, f io.ReadSeeker, info fs.FileInfo) (string, error) {
	key := etagKey{name, info.Size(), info.ModTime()}
	s.mu.Lock()
	etag, ok := s.etags[key]
	s.mu.Unlock()
	if ok {
		return etag, nil
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", err
	}
	etag = `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
	s.mu.Lock()
	s.etags[key] = etag
	s.mu.Unlock()
	return etag, nil
}

// contentType is the type of the original (uncompressed) file.
func contentType(name string) string { return webheaders.ContentType(name) }

// accepts reports whether an Accept-Encoding header allows coding, by name
// or through "*", with a q-value above zero (RFC 9110, section 12.5.3).
func accepts(header, coding string) bool {
	wildcard := false
	for _, item := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(item, ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != coding && name != "*" {
			continue
		}
		ok := qAboveZero(params)
		if name == coding {
			return ok // an explicit entry wins over "*"
		}
		wildcard = ok
	}
	return wildcard
}

func qAboveZero(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, found := strings.Cut(strings.TrimSpace(p), "=")
		if found && strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return err == nil && q > 0
		}
	}
	return true
}
