/**
 * The words the specs look for, in English and Spanish. Labels come from the portal's own
 * translation files, so a changed label changes here too. The texts the Rust code writes
 * itself (AutoPay's rules and authorization, the emails' subjects) are not in those files:
 * they are spelled out at the end of each language.
 */
import en from '../../app/locales/en.json';
import es from '../../app/locales/es.json';

export type Lang = 'en' | 'es';
type Locale = typeof en;

/** `fragment`, which a test finds inside the longer text `full`. A translation that no
 * longer holds it stops the suite here, rather than as an element not found. */
function part(full: string, fragment: string): string {
  if (!full.includes(fragment)) throw new Error(`"${fragment}" is no longer part of "${full}"`);
  return fragment;
}

function fromLocale(t: Locale) {
  return {
    // The shell and its navigation.
    billing: t.nav.billing,
    billSettings: t.nav.bill_settings,
    help: t.nav.help,
    makePayment: t.nav.make_payment,
    autopay: t.nav.autopay,
    myWallet: t.nav.my_wallet,
    delivery: t.nav.bill_delivery_method,
    signIn: t.nav.sign_in,
    signOut: t.nav.sign_out,
    register: t.nav.register,
    switchLanguage: t.nav.switch_to_label,
    homeTitle: t.home.title,
    faqTitle: t.faq.title,
    problem: t.form.error_summary,
    // Registration, the account overview and signing in.
    number: t.register.number_label,
    zip: t.register.zip_label,
    find: t.register.find_button,
    whereNumbers: t.register.where_numbers,
    email: t.register.email_label,
    password: t.register.password_label,
    confirm: t.register.confirm_label,
    terms: `${t.register.terms_label} ${t.register.terms_link}`,
    create: t.register.create_button,
    payment: t.overview.payment_number,
    forgot: t.signin.forgot_link,
    staySignedIn: t.session.stay,
    // A forgotten password.
    sendReset: t.reset.request_button,
    newPassword: t.reset.password_label,
    newPasswordAgain: t.reset.confirm_label,
    changePassword: t.reset.button,
    // My Wallet.
    addNew: t.wallet.add_new,
    whereRouting: t.entry.where_routing,
    kindEcheck: t.entry.kind_echeck,
    kindDebit: t.entry.kind_debit,
    kindCredit: t.entry.kind_credit,
    kindWallet: t.entry.kind_wallet,
    checking: t.entry.checking,
    routing: t.entry.routing,
    account: t.entry.account_number,
    accountAgain: t.entry.account_again,
    bank: t.entry.bank_name,
    holder: t.entry.holder_name,
    makeDefault: t.wallet.make_default_label,
    add: t.wallet.add,
    card: t.entry.card_number,
    cardName: t.entry.card_name,
    expiry: t.entry.expiry,
    code: t.entry.security_code,
    billingZip: t.entry.billing_zip,
    kindMissing: t.entry.account_type_missing,
    mismatch: t.entry.account_mismatch,
    added: t.wallet.added,
    defaultBadge: t.wallet.default_badge,
    makeDefaultButton: t.wallet.make_default,
    remove: t.wallet.remove,
    removed: t.wallet.removed,
    brandVisa: `${t.entry.brand_detected} Visa`,
    expired: t.entry.expiry_past,
    reenterAccount: t.entry.reenter_account,
    exp: t.wallet.exp,
    // Bill delivery.
    current: t.delivery.current,
    emailChoice: t.delivery.email,
    paperChoice: t.delivery.paper,
    deliveryEmail: t.delivery.email_label,
    sendVerification: t.delivery.send,
    checkInbox: t.delivery.check_inbox,
    pending: t.delivery.pending,
    confirmDelivery: t.delivery.confirm,
    verifyAgain: t.delivery.verify_again,
    switchPaper: t.delivery.save_paper,
    paperDone: t.delivery.paper_done,
    badEmail: t.delivery.email_format,
    // AutoPay.
    enroll: t.autopay.enroll,
    createHeading: `${t.autopay.create_heading} > ${t.overview.payment_number} `,
    changeHeading: `${t.autopay.change_heading} > ${t.overview.payment_number} `,
    paymentMethod: t.autopay.payment_method,
    methodMissing: t.autopay.method_missing,
    daysBefore: t.autopay.days_before,
    daysLabel: t.autopay.days_before_label,
    fixed: t.autopay.fixed_amount,
    fixedLabel: t.autopay.fixed_amount_label,
    continue: t.autopay.continue_button,
    createAutopay: t.autopay.create,
    firstBillDue: t.autopay.first_bill_due,
    done: t.autopay.done_title,
    print: t.autopay.print,
    backToSettings: t.autopay.back_to_settings,
    enrolled: t.autopay.enrolled,
    notEnrolled: t.autopay.not_enrolled,
    change: t.autopay.change,
    cancel: t.autopay.cancel,
    cancelYes: t.autopay.cancel_yes,
    // Bill History and the bill.
    billHistory: t.nav.bill_history,
    billHistoryLink: t.overview.bill_history,
    historyTitle: t.bills.history_title,
    billsCaption: t.bills.caption,
    viewBill: t.bills.view_bill,
    accessibleBill: t.bills.accessible,
    billTitle: t.bills.title,
    howToPay: t.bills.how_to_pay,
    backToHistory: t.bills.back,
    printedOn: t.print.printed_on,
  };
}

const english = {
  ...fromLocale(en),
  hyphenError: part(en.register.number_missing_hyphen, 'Separate the customer number and the account number with a hyphen'),
  routingError: part(en.entry.routing_checksum, 'This routing number is not valid'),
  resetSent: part(en.reset.sent, 'If that email address has a login'),
  passwordChanged: part(en.signin.password_changed, 'Your password was changed. Sign in'),
  alreadyUsed: part(en.reset.link_used, part(en.delivery.verify_used, 'already used')),
  verified: part(en.delivery.verified, 'Paperless billing is on.'),
  cancelled: part(en.autopay.cancelled_notice, 'AutoPay was cancelled.'),
  idleWarning: part(en.session.idle_warning, 'you will be signed out in 2 minutes'),
  sessionLimit: part(
    `${en.session.max_note_before} 12 ${en.session.max_note_after}`,
    'you are signed out 12 hours after signing in, even when active',
  ),
  signedOutIdle: part(en.session.expired, 'You were signed out because there was no activity'),
  // Written by the Rust code.
  authorize: 'I authorize',
  rule3DaysBefore: '3 days before its due date',
  rule40Fixed: '$40.00 of each bill',
  autopaySubjects: ['You are enrolled in AutoPay', 'Your AutoPay was changed', 'Your AutoPay was cancelled'],
  resetSubject: 'Reset your password',
  passwordChangedSubject: 'Your password was changed',
  deliverySubject: 'Confirm paperless billing',
};

export type Labels = typeof english;

const spanish: Labels = {
  ...fromLocale(es),
  hyphenError: part(es.register.number_missing_hyphen, 'Separe el número de cliente y el número de cuenta con un guion'),
  routingError: part(es.entry.routing_checksum, 'Este número de ruta no es válido'),
  resetSent: part(es.reset.sent, 'Si ese correo electrónico tiene'),
  passwordChanged: part(es.signin.password_changed, 'Su contraseña fue cambiada. Inicie sesión'),
  alreadyUsed: part(es.reset.link_used, part(es.delivery.verify_used, 'ya se usó')),
  verified: part(es.delivery.verified, 'La facturación electrónica está activada.'),
  cancelled: part(es.autopay.cancelled_notice, 'El pago automático fue cancelado.'),
  idleWarning: part(es.session.idle_warning, 'se cerrará su sesión en 2 minutos'),
  sessionLimit: part(
    `${es.session.max_note_before} 12 ${es.session.max_note_after}`,
    'su sesión se cierra 12 horas después de iniciarla, aunque esté activo',
  ),
  signedOutIdle: part(es.session.expired, 'Se cerró su sesión porque no hubo actividad'),
  // Written by the Rust code.
  authorize: 'Autorizo',
  rule3DaysBefore: '3 días antes de su fecha de vencimiento',
  rule40Fixed: '$40.00 de cada factura',
  autopaySubjects: ['Está inscrito en el pago automático', 'Su pago automático fue cambiado', 'Su pago automático fue cancelado'],
  resetSubject: 'Restablezca su contraseña',
  passwordChangedSubject: 'Su contraseña fue cambiada',
  deliverySubject: 'Confirme la facturación electrónica',
};

export const labels: Record<Lang, Labels> = { en: english, es: spanish };
