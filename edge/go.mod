module sipgate-account/edge

go 1.26.0

require sipgate-account v0.0.0

require golang.org/x/oauth2 v0.38.0 // indirect

replace sipgate-account => ../
