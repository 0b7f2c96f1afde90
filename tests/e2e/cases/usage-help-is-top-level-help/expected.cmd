$EDDY --help
