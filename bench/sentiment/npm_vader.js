#!/usr/bin/env node
// The peer of bench/sentiment/run: the npm vader-sentiment port as published, one compound
// score per input line (what `eddy text sentiment` computes per line).
'use strict';
const fs = require('fs');
const path = require('path');
const vader = require(path.join(__dirname, '..', '..', 'node_modules', 'vader-sentiment'));
const lines = fs.readFileSync(process.argv[2] || 0, 'utf8').split('\n');
if (lines.length && lines[lines.length - 1] === '') lines.pop();
const out = new Array(lines.length);
for (let i = 0; i < lines.length; i++) {
  out[i] = vader.SentimentIntensityAnalyzer.polarity_scores(lines[i]).compound.toFixed(4);
}
fs.writeFileSync(1, out.join('\n') + '\n');
