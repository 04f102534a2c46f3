#!/usr/bin/env node
// The slipway CLI: the committed bundle, so it runs without a build step.
import '../dist/cli.js'
