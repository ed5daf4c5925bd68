'use strict';
// plotly.js with the only trace types the site draws: scatter (always in the
// core) and bar. Keep every chart in generator/charts.py within these two.
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar')]);

module.exports = Plotly;
