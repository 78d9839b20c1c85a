/** Debian's Chromium for the browser tests (playwright-core, no browser download) and the env entry's flags; playwright gives each launch a fresh --user-data-dir. */
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
