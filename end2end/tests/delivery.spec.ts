import { test, expect, Page } from '@playwright/test';
import { expectNoAxeViolations, hydrated, linkIn, mailTo, registerAndSignIn, useLanguage } from './helpers';

const words = {
  en: {
    number: 'Customer Number-Account Number', zip: 'ZIP Code', find: 'Find My Account',
    email: 'Email Address', password: 'Password', confirm: 'Confirm Password',
    terms: 'I accept the Terms and Conditions', create: 'Take Me to My Account',
    delivery: 'Bill Delivery Method', emailChoice: 'Email', paperChoice: 'Paper', send: 'Send Verification Email',
    checkInbox: "Don't forget to check your email to complete this process!", pending: 'Pending verification:',
    subject: 'Confirm paperless billing', confirm: 'Confirm email delivery', verified: 'Paperless billing is on.', current: 'Current delivery method:',
    used: 'already used', again: 'Send a new verification email from Bill Delivery Method', switchPaper: 'Switch to Paper Bills', paperDone: 'Your bills will come on paper.',
    problem: 'There is a problem', badEmail: 'Enter an email address like name@example.com.', deliveryEmail: 'Email Address',
  },
  es: {
    number: 'Número de Cliente-Número de Cuenta', zip: 'Código postal', find: 'Buscar mi cuenta',
    email: 'Correo electrónico', password: 'Contraseña', confirm: 'Confirmar contraseña',
    terms: 'Acepto los Términos y condiciones', create: 'Llevarme a mi cuenta',
    delivery: 'Método de entrega de factura', emailChoice: 'Correo electrónico', paperChoice: 'Papel', send: 'Enviar correo electrónico de verificación',
    checkInbox: '¡No olvide revisar su correo electrónico para completar este proceso!', pending: 'Verificación pendiente:',
    subject: 'Confirme la facturación electrónica', confirm: 'Confirmar la entrega por correo electrónico', verified: 'La facturación electrónica está activada.', current: 'Método de entrega actual:',
    used: 'ya se usó', again: 'Envíe un nuevo correo de verificación desde Método de entrega de factura', switchPaper: 'Cambiar a facturas en papel', paperDone: 'Sus facturas llegarán en papel.',
    problem: 'Hay un problema', badEmail: 'Ingrese un correo electrónico como nombre@ejemplo.com.', deliveryEmail: 'Dirección de correo electrónico',
  },
};

const journeys = [
  { lang: 'en', js: true, number: '61000014-6100014' },
  { lang: 'en', js: false, number: '61000015-6100015' },
  { lang: 'es', js: true, number: '61000016-6100016' },
  { lang: 'es', js: false, number: '61000017-6100017' },
] as const;

async function axe(page: Page, js: boolean, label: string) {
  if (js) {
    await hydrated(page);
    await expectNoAxeViolations(page, label);
  }
}

for (const j of journeys) {
  test(`paperless billing by the emailed link (${j.lang}, ${j.js ? 'with' : 'without'} JavaScript)`, async ({ browser, baseURL }) => {
    test.setTimeout(90_000);
    const context = await browser.newContext({ javaScriptEnabled: j.js, baseURL });
    await useLanguage(context, baseURL!, j.lang);
    const page = await context.newPage();
    const w = words[j.lang];
    await registerAndSignIn(page, j.lang, j.number, `login-${j.lang}-${j.js}-${Date.now()}@example.com`);

    await page.goto('/billing/settings/delivery');
    await expect(page.getByRole('link', { name: w.delivery })).toHaveAttribute('aria-current', 'page');
    await expect(page.getByText(`${w.current} ${w.paperChoice}`)).toBeVisible();
    await axe(page, j.js, `bill delivery method (${j.lang})`);

    await page.getByLabel(w.emailChoice, { exact: true }).check();
    const field = page.getByLabel(w.deliveryEmail, { exact: true });
    await field.fill('not an address');
    await page.getByRole('button', { name: w.send }).click();
    await expect(page.getByRole('heading', { name: w.problem })).toBeVisible();
    await expect(page.getByRole('link', { name: w.badEmail })).toBeVisible();
    await axe(page, j.js, `bill delivery method, bad email (${j.lang})`);

    const bills = `bills-${j.lang}-${j.js}-${Date.now()}@example.com`;
    await page.getByLabel(w.emailChoice, { exact: true }).check();
    await page.getByLabel(w.deliveryEmail, { exact: true }).fill(bills);
    await page.getByRole('button', { name: w.send }).click();
    await expect(page.getByText(w.checkInbox)).toBeVisible();
    await expect(page.getByText(`${w.pending} ${bills}`)).toBeVisible();
    await expect(page.getByText(`${w.current} ${w.paperChoice}`)).toBeVisible();
    await axe(page, j.js, `bill delivery method, pending (${j.lang})`);

    const [mail] = await mailTo(bills);
    expect(mail.subject).toContain(w.subject);
    const link = linkIn(mail, `${baseURL}/billing/verify-email?token=`);
    // Opening the link changes nothing (mail scanners open links); its button confirms.
    await page.goto(link);
    await expect(page.getByRole('button', { name: w.confirm })).toBeVisible();
    await expect(page.getByText(bills)).toBeVisible();
    await axe(page, j.js, `paperless billing to confirm (${j.lang})`);
    await page.goto('/billing/settings/delivery');
    await expect(page.getByText(`${w.current} ${w.paperChoice}`)).toBeVisible();
    await page.goto(link);
    await page.getByRole('button', { name: w.confirm }).click();
    await expect(page.getByText(w.verified)).toBeVisible();
    await expect(page.getByText(bills)).toBeVisible();
    await axe(page, j.js, `paperless billing verified (${j.lang})`);
    await page.goto(link);
    await expect(page.getByText(w.used)).toBeVisible();
    await expect(page.getByRole('button', { name: w.confirm })).toHaveCount(0);
    await axe(page, j.js, `verification link used (${j.lang})`);
    // A damaged or expired link says so and offers a new email.
    await page.goto('/billing/verify-email?token=damaged');
    await expect(page.getByRole('link', { name: w.again })).toBeVisible();
    await axe(page, j.js, `verification link not valid (${j.lang})`);

    await page.goto('/billing/settings/delivery');
    await expect(page.getByText(`${w.current} ${w.emailChoice} (${bills})`)).toBeVisible();
    await page.getByLabel(w.paperChoice, { exact: true }).check();
    await page.getByRole('button', { name: w.switchPaper }).click();
    await expect(page.getByText(w.paperDone)).toBeVisible();
    await expect(page.getByText(`${w.current} ${w.paperChoice}`)).toBeVisible();
    const notices = await mailTo(bills, 2);
    expect(notices[1].subject).not.toContain(w.subject);
    await context.close();
  });
}
