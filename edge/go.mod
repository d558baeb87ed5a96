module sipgate-account/edge

go 1.25.0

require sipgate-account v0.0.0

replace sipgate-account => ../
