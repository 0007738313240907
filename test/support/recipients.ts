/** Recipients the sandbox providers accept, shared by the end-to-end suites. */
export const LINE_USER = 'U4af4980629a1b2c3d4e5f6a7b8c9d0e1';
export const TELEGRAM_CHAT = '123456789';
