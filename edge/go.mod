module sipgate-account/edge

go 1.25.0

require (
	github.com/syumai/workers v0.29.0
	sipgate-account v0.0.0
)

replace sipgate-account => ../
