// genba browser tests: the tablet app on a phone, in Japanese: the same
// day as tablet.test.mjs (the steps are in tablet-flow.mjs) at 390 x 844
// with touch, the approval checked with the "check now" button.
//
// Needs a running stack: GENBA_STACK_ENV=DIR/stack.env (test/stack up DIR).
// Screenshots land in test/browser/screenshots/tablet-phone-*.png.
import { tabletFlow } from './tablet-flow.mjs';

tabletFlow({
  label: 'phone', viewport: { width: 390, height: 844 }, locale: 'ja-JP',
  contextOptions: { isMobile: true, hasTouch: true }, approval: 'click',
});
