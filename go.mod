module sipgate-account

go 1.25
