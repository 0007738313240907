/**
 * What one canonical kind renders to on WeChat, before the recipient and options are applied:
 * shared by the renderers of each kind (render.ts, render-carousel.ts), which import it from here
 * rather than from each other.
 */

import type { Degradation, NumberedChoice } from '../../core/vocabulary/channel.ts';
import type { Obj } from '../../lib/json.ts';

export interface WechatContent {
  msgtype: string;
  payload: Obj;
  degradations: Degradation[];
  choices?: NumberedChoice[];
}
