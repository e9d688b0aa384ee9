import { test, expect, Page, Locator } from '@playwright/test';
import { expectBillingMenuClosesOnEscape, expectNoAxeViolations, hydrated, registerAndSignIn, useLanguage } from './helpers';
import { labels } from './labels';

// Single-page navigation (public/navigate.js): links and forms of the portal swap the page
// inside one document; the header, the WebAssembly and the Content-Security-Policy of the
// first load stay.

const w = labels.en;

/** Marks this document and its header, which every later page must keep. */
async function markDocument(page: Page) {
  await page.evaluate(() => {
    (window as any).__firstDocument = true;
    (window as any).__header = document.querySelector('header');
  });
}

/** The marked document is still the one shown: one `navigate` entry, the same header node. */
async function expectSameDocument(page: Page, label: string) {
  const same = await page.evaluate(() => ({
    marked: (window as any).__firstDocument === true,
    header: document.querySelector('header') === (window as any).__header,
    navigations: performance.getEntriesByType('navigation').length,
  }));
  expect(same, `${label}: no new document`).toEqual({ marked: true, header: true, navigations: 1 });
}

/** The page that arrived says so: its title, focus on its heading, the polite announcement. */
async function expectArrived(page: Page, heading: Locator) {
  await expect(heading).toBeFocused();
  const title = await page.title();
  expect(title).not.toEqual('');
  await expect(page.locator('#page-announcer')).toHaveText(title);
  await expect(page.locator('#page-announcer')).toHaveAttribute('aria-live', 'polite');
}

test('links and forms swap the page in one document; Back, Forward, reload and deep links work', async ({ browser, baseURL }) => {
  test.setTimeout(120_000);
  const context = await browser.newContext({ baseURL });
  // Every refusal by the Content-Security-Policy, in every document of the context.
  await context.addInitScript(() => {
    (window as any).__blocked = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      (window as any).__blocked.push(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  const page = await context.newPage();
  const first = await page.goto('/');
  expect(first!.headers()['content-security-policy']).toMatch(/script-src 'nonce-[^']+'/);
  await markDocument(page);

  // Register and sign in: a link, two forms and a redirect, all in the first document.
  await page.locator('header').getByRole('link', { name: w.register }).click();
  await expect(page).toHaveURL(/\/register$/);
  await expectArrived(page, page.getByRole('heading', { level: 1 }));
  await page.getByLabel(w.number).fill('61000090-6100090');
  await page.getByLabel(w.zip).fill('97501');
  await page.getByRole('button', { name: w.find }).click();
  await expect(page).toHaveURL(/\/register\/login$/);
  const password = 'quiet river morning walk';
  await page.getByLabel(w.email).fill(`nav-${Date.now()}@example.com`);
  await page.getByLabel(w.password, { exact: true }).fill(password);
  await page.getByLabel(w.confirm).fill(password);
  await page.getByLabel(w.terms).check();
  await page.getByRole('button', { name: w.create }).click();
  await expect(page).toHaveURL(/\/account$/);
  await expectSameDocument(page, 'registered and signed in');
  await expectArrived(page, page.getByRole('heading', { level: 1 }));
  // The header's links changed with the session; the header itself did not.
  await expect(page.locator('header').getByRole('button', { name: w.signOut })).toBeVisible();

  // A link of the Billing menu; the menu's island still acts.
  await hydrated(page);
  await page.getByText(w.billing, { exact: true }).click();
  await page.locator('header nav').getByRole('link', { name: w.billSettings }).click();
  await expect(page).toHaveURL(/\/billing\/settings$/);
  await expectArrived(page, page.getByRole('heading', { level: 1 }));
  await expectSameDocument(page, 'Bill Settings');
  await expectBillingMenuClosesOnEscape(page);
  await expectNoAxeViolations(page, 'Bill Settings reached by navigation');

  // A form the server refuses (an account id that is not a number: 400) answers with the
  // refusal page, as a whole page would; its link back loads the portal's page whole.
  await page.locator('.side-menu').getByRole('link', { name: w.delivery }).click();
  await expect(page).toHaveURL(/\/billing\/settings\/delivery$/);
  await page.locator('input[name="account_id"]').first().evaluate((el: HTMLInputElement) => { el.value = 'not-a-number'; });
  await page.getByLabel(w.emailChoice).first().check();
  await page.getByLabel(w.deliveryEmail).first().fill('refused@example.com');
  await page.getByRole('button', { name: w.sendVerification }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'There is a problem' })).toBeFocused();
  await expect(page).toHaveTitle('There is a problem');
  expect(await page.evaluate(() => (window as any).__blocked), 'nothing refused by the CSP').toEqual([]);
  await page.getByRole('link', { name: 'Go back' }).click();
  await expect(page).toHaveURL(/\/billing\/settings\/delivery$/);
  await expect(page.locator('header')).toBeVisible();
  await hydrated(page);
  await markDocument(page);

  // A long page (a short window) scrolled to its end; a link there; Back returns to the
  // same place.
  await page.setViewportSize({ width: 1000, height: 400 });
  await page.getByRole('link', { name: w.faqTitle }).first().click();
  await expect(page).toHaveURL(/\/faq$/);
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(100);
  await page.locator('footer').getByRole('link', { name: /Terms|Términos/ }).click();
  await expect(page).toHaveURL(/\/terms$/);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
  await page.goBack();
  await expect(page).toHaveURL(/\/faq$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.faqTitle);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(scrolled - 20);
  await page.goBack();
  await expect(page).toHaveURL(/\/billing\/settings\/delivery$/);
  await page.goForward();
  await expect(page).toHaveURL(/\/faq$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.faqTitle);
  await expectSameDocument(page, 'after Back and Forward');

  // A link to a page that does not exist answers as a full load would: Not Found.
  await page.evaluate(() => {
    const a = document.createElement('a');
    a.href = '/billing/no-such-page';
    a.textContent = 'Nowhere';
    document.getElementById('main')!.append(a);
  });
  await page.getByRole('link', { name: 'Nowhere' }).click();
  await expect(page).toHaveURL(/\/billing\/no-such-page$/);
  await expect(page.getByRole('heading', { level: 1 })).toBeFocused();
  await expectSameDocument(page, 'not found');

  // Sign out (a form), then a sign-in that fails: its error summary takes the focus.
  await page.locator('header').getByRole('button', { name: w.signOut }).click();
  await expect(page.locator('header').getByRole('link', { name: w.signIn })).toBeVisible();
  await page.locator('header').getByRole('link', { name: w.signIn }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await page.getByLabel(w.email).fill('nobody-here@example.com');
  await page.getByLabel(w.password, { exact: true }).fill('not the password at all');
  await page.getByRole('button', { name: w.signIn, exact: true }).click();
  await expect(page.locator('.error-summary')).toBeFocused();
  await expectSameDocument(page, 'a failed sign-in');
  expect(await page.evaluate(() => (window as any).__blocked), 'nothing refused by the CSP').toEqual([]);

  // A reload and a deep link give the same pages as whole documents.
  await page.goto('/faq');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.faqTitle);
  await context.close();
});

test('a form whose answer is not a page shows it as text, as the browser would; Back returns', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  await page.goto('/faq');
  await markDocument(page);
  // A form whose answer is plain text (the portal's own refusals are pages in the asker's
  // language, so the answer is made here).
  await page.route('**/api/no-such-function', (route) =>
    route.fulfill({ status: 404, contentType: 'text/plain; charset=utf-8', body: 'Not found' }));
  await page.evaluate(() => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/api/no-such-function';
    form.innerHTML = '<input type="hidden" name="a" value="1"><button>Send nowhere</button>';
    document.getElementById('main')!.append(form);
  });
  await page.getByRole('button', { name: 'Send nowhere' }).click();
  await expect(page.locator('body > pre')).toHaveText('Not found');
  await expect(page).toHaveURL(/\/api\/no-such-function$/);
  // The same document, whose body is now the text (no header is left to keep).
  expect(await page.evaluate(() => [(window as any).__firstDocument, performance.getEntriesByType('navigation').length]))
    .toEqual([true, 1]);
  await page.goBack();
  await expect(page).toHaveURL(/\/faq$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.faqTitle);
  await context.close();
});

test('without JavaScript, links and forms load whole pages as before', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('link', { name: w.faqTitle }).first().click();
  await expect(page).toHaveURL(/\/faq$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.faqTitle);
  await context.close();
});

test('in Spanish, each page arrives in Spanish; the language switch loads its page whole', async ({ browser, baseURL }) => {
  const es = labels.es;
  const context = await browser.newContext({ baseURL });
  await useLanguage(context, baseURL!, 'es');
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await markDocument(page);
  const heading = page.getByRole('heading', { level: 1 });

  await page.locator('footer').getByRole('link', { name: es.faqTitle }).click();
  await expect(page).toHaveURL(/\/faq$/);
  await expect(heading).toHaveText(es.faqTitle);
  await expect(page).toHaveTitle(new RegExp(es.faqTitle));
  await expectArrived(page, heading);
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await expectSameDocument(page, 'FAQ in Spanish');
  await expectNoAxeViolations(page, 'FAQ in Spanish, reached by navigation');

  // A sign-in that fails: the error summary, in Spanish, takes the focus.
  await page.locator('header').getByRole('link', { name: es.signIn }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
  await expectArrived(page, heading);
  await page.getByLabel(es.email).fill('nadie-aqui@example.com');
  await page.getByLabel(es.password, { exact: true }).fill('no es la contraseña');
  await page.getByRole('button', { name: es.signIn, exact: true }).click();
  await expect(page.locator('.error-summary')).toBeFocused();
  await expect(page.locator('.error-summary')).toContainText(es.problem);
  await expectSameDocument(page, 'a failed sign-in in Spanish');

  // The language switch is left to the browser: a new document, in English, of the same page.
  await page.getByRole('link', { name: es.switchLanguage }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page).toHaveURL(/\/sign-in$/);
  expect(await page.evaluate(() => (window as any).__firstDocument)).toBeUndefined();
  await markDocument(page);
  await page.locator('footer').getByRole('link', { name: w.faqTitle }).click();
  await expect(heading).toHaveText(w.faqTitle);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expectArrived(page, heading);
  await expectSameDocument(page, 'FAQ in English after the switch');
  await context.close();
});

/** Presses Tab (Shift+Tab when `backwards`) until `target` has the focus, as a keyboard
 * user would reach it. */
async function tabTo(page: Page, target: Locator, backwards = false) {
  for (let i = 0; i < 150; i++) {
    if (await target.evaluate((el) => el === document.activeElement)) return;
    await page.keyboard.press(backwards ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached ${target}`);
}

/** Tabs into the radio group of `radio` and moves to it with the arrow keys. */
async function chooseRadio(page: Page, radio: Locator) {
  const name = await radio.getAttribute('name');
  const inGroup = () =>
    page.evaluate((n) => {
      const el = document.activeElement as HTMLInputElement | null;
      return !!el && el.type === 'radio' && el.name === n;
    }, name);
  for (let i = 0; i < 150 && !(await inGroup()); i++) await page.keyboard.press('Tab');
  expect(await inGroup(), `Tab reaches the group ${name}`).toBe(true);
  for (let i = 0; i < 8 && !(await radio.isChecked()); i++) {
    const onIt = await radio.evaluate((el) => el === document.activeElement);
    await page.keyboard.press(onIt ? 'Space' : 'ArrowDown');
  }
  await expect(radio).toBeChecked();
}

test('AutoPay enrollment by keyboard alone, each page announced and checked by axe', async ({ browser, baseURL }) => {
  test.setTimeout(150_000);
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const number = '61000091-6100091';
  await registerAndSignIn(page, 'en', number, `keys-${Date.now()}@example.com`);
  await hydrated(page);
  await markDocument(page);
  const heading = page.getByRole('heading', { level: 1 });

  // Billing → Bill Settings → AutoPay → Enroll, by Tab and Enter.
  await tabTo(page, page.locator('header summary'), true);
  await page.keyboard.press('Enter');
  await tabTo(page, page.locator('header nav').getByRole('link', { name: w.billSettings }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/billing\/settings$/);
  await expectArrived(page, heading);
  await tabTo(page, page.locator('.side-menu').getByRole('link', { name: w.autopay }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/billing\/settings\/autopay$/);
  await expectArrived(page, heading);
  await expectNoAxeViolations(page, 'AutoPay settings');
  await tabTo(page, page.getByRole('link', { name: w.enroll }));
  await page.keyboard.press('Enter');
  await expect(heading).toHaveText(w.createHeading + number);
  await expectArrived(page, heading);
  await expectNoAxeViolations(page, 'enroll in AutoPay');

  // Continue with no method: the error summary takes the focus.
  await tabTo(page, page.getByRole('button', { name: w.continue }));
  await page.keyboard.press('Enter');
  await expect(page.locator('.error-summary')).toBeFocused();
  await expectNoAxeViolations(page, 'enroll in AutoPay, errors');

  // Add New: a checking account typed in, then back with it chosen.
  await tabTo(page, page.getByRole('link', { name: w.addNew }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/billing\/settings\/wallet\/add\?autopay=\d+$/);
  await expectArrived(page, heading);
  await chooseRadio(page, page.getByLabel(w.kindEcheck));
  await chooseRadio(page, page.getByLabel(w.checking));
  for (const [label, text] of [
    [w.routing, '021000021'],
    [w.account, '000123456789'],
    [w.accountAgain, '000123456789'],
    [w.bank, 'JPMORGAN CHASE BANK, NA'],
    [w.holder, 'Kay Board'],
  ]) {
    await tabTo(page, page.getByLabel(label, { exact: true }));
    await page.keyboard.type(text);
  }
  await tabTo(page, page.getByRole('button', { name: w.add, exact: true }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/billing\/autopay\/enroll\?account=\d+&method=\d+$/);
  await expect(page.getByLabel(`${w.checking} *****6789`)).toBeChecked();
  await expectArrived(page, heading);

  // Continue → review → Create AutoPay.
  await tabTo(page, page.getByRole('button', { name: w.continue }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/billing\/autopay\/review\?/);
  await expectArrived(page, heading);
  await expectNoAxeViolations(page, 'review AutoPay');
  await tabTo(page, page.getByRole('button', { name: w.createAutopay }));
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/billing\/autopay\/done\?ref=AP-[A-Z0-9]+$/);
  await expect(heading).toHaveText(w.done);
  await expectArrived(page, heading);
  // The new page's island (the print button) was started in place.
  await expect(page.getByRole('button', { name: w.print })).toBeVisible();
  await expectNoAxeViolations(page, 'AutoPay created');
  await expectSameDocument(page, 'the whole enrollment');
  await context.close();
});
