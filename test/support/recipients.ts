/** Recipients the sandbox providers accept, shared by the end-to-end suites. */
export const LINE_USER = 'U4af4980629a1b2c3d4e5f6a7b8c9d0e1';
export const TELEGRAM_CHAT = '123456789';

/** A LINE user id made of one digit repeated (`lineUser(7)` is `U777…7`), for a person of the suite's own. */
export const lineUser = (n: number) => `U${String(n).repeat(32).slice(0, 32)}`;
