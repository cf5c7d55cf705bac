// The prebuilt accelerator for linux-x64; @flambeau/tensor loads it when this package is installed.
'use strict';
module.exports = require('./prebuilt/flambeau_cpu.node');
