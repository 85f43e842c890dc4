// Records a HAR of real headless Chromium going through the test Django site's
// flows (tests/django_site), for tests/data/har/chromium_django.har.
// Not part of the build or of CI; see make_chromium_har.sh.
//
// usage: node chromium_django_har.js PORT OUT.har

const { chromium } = require('playwright-core');

async function main() {
  const [port, out] = process.argv.slice(2);
  const base = `http://www.django.test:${port}`;
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync',
           '--host-resolver-rules=MAP * 127.0.0.1'],
  });
  const context = await browser.newContext({ recordHar: { path: out, content: 'omit' } });
  const page = await context.newPage();
  const login = async (path, user, pwd) => {
    await page.goto(base + path);
    await page.fill('input[name=user]', user);
    await page.fill('input[name=pwd]', pwd);
    await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
  };
  await login('/login/', 'zaizai', '123');             // CSRF form, cookies, redirect
  await page.goto(base + '/index/');
  await page.goto(base + '/product/1/');
  await page.goto(base + '/product/7/');
  await page.goto(base + '/product/3/');
  await page.goto(base + '/last-visit/');
  await page.goto(base + '/last-visit/');
  await page.goto(base + '/signed/set/');
  await page.goto(base + '/signed/get/');
  await page.goto(base + '/logout/');                  // delete_cookie, redirect
  await page.goto(base + '/index/');                   // back to the login page
  await login('/login2/', 'zaizai', '123');            // DB session
  await page.goto(base + '/index2/');
  await login('/login2/', 'xiaoming', '456');          // a new sessionid
  await page.goto(base + '/index2/');
  await page.goto(base + '/logout2/');
  await context.close();
  await browser.close();
}

main().catch((error) => { console.error(error); process.exit(1); });
