$EDDY run --help
