// genba browser tests: the tablet app on a 10-inch tablet held upright, in
// English (the steps are in tablet-flow.mjs).
//
// Needs a running stack: GENBA_STACK_ENV=DIR/stack.env (test/stack up DIR).
// Screenshots land in test/browser/screenshots/tablet-tablet-*.png.
import { tabletFlow } from './tablet-flow.mjs';

tabletFlow({ label: 'tablet', viewport: { width: 810, height: 1080 }, locale: 'en-US', contextOptions: { hasTouch: true } });
