//! What each email says, in English and Spanish, as plain text and as HTML. Emails are
//! composed on the server only, so their texts live here rather than in the page locales
//! (which are compiled into the wasm every browser downloads).

use crate::paths;
use crate::platform::Config;
use html_escape::encode_safe as esc;

pub use crate::domain::Lang;

/// Who the email is from and how to reach them: on every message.
#[derive(Debug, Clone)]
pub struct Letterhead {
    pub utility_name: String,
    pub phone: String,
    pub email: String,
    pub base_url: String,
}

impl Letterhead {
    pub fn from_config(config: &Config) -> Self {
        Self {
            utility_name: config.utility.name.clone(),
            phone: config.utility.phone.clone(),
            email: config.utility.email.clone(),
            base_url: config.public_base_url.trim_end_matches('/').to_string(),
        }
    }
    /// An absolute link to a portal path.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }
}

/// A composed message, ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Composed {
    pub to: String,
    pub locale: &'static str,
    pub kind: &'static str,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The token of the link the message carries, if any: once the message is delivered
    /// the outbox keeps it no longer (see `Mailer::deliver_pending`).
    pub secret: Option<String>,
}

impl Composed {
    /// Names the link's token, so that the stored copy loses it after delivery.
    pub fn with_secret(mut self, token: &str) -> Self {
        self.secret = Some(token.to_string());
        self
    }
}

/// The parts of a message: paragraphs, then at most one button-like link.
struct Letter {
    kind: &'static str,
    subject: String,
    paragraphs: Vec<String>,
    action: Option<(String, String)>,
    after: Vec<String>,
}

fn render(head: &Letterhead, lang: Lang, to: &str, letter: Letter) -> Composed {
    let greeting = lang.pick("Hello,", "Hola:");
    let signature =
        format!("{} — {}", head.utility_name, lang.pick("Customer Service", "Servicio al Cliente"));
    let contact = format!(
        "{} {} · {}",
        lang.pick("Questions? Call", "¿Preguntas? Llame al"),
        head.phone,
        head.email
    );
    let not_you = lang.pick(
        "You receive this email because of your account on our customer portal.",
        "Recibe este correo por su cuenta en nuestro portal de clientes.",
    );

    let mut text = format!("{greeting}\n\n");
    for p in &letter.paragraphs {
        text.push_str(p);
        text.push_str("\n\n");
    }
    if let Some((label, url)) = &letter.action {
        text.push_str(&format!("{label}:\n{url}\n\n"));
    }
    for p in &letter.after {
        text.push_str(p);
        text.push_str("\n\n");
    }
    text.push_str(&format!("{signature}\n{contact}\n\n{not_you}\n"));

    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body style=\"font-family: system-ui, sans-serif; color: #1a1a1a; line-height: 1.5\">\
         <p>{}</p>",
        lang.code(),
        esc(&letter.subject),
        esc(greeting)
    );
    for p in &letter.paragraphs {
        html.push_str(&format!("<p>{}</p>", esc(p)));
    }
    if let Some((label, url)) = &letter.action {
        html.push_str(&format!(
            "<p><a href=\"{}\" style=\"display:inline-block;padding:0.6em 1.2em;background:#005a9c;color:#fff;\
             text-decoration:none;border-radius:4px\">{}</a></p><p>{} <br>{}</p>",
            esc(url),
            esc(label),
            esc(lang.pick("Or copy this address into your browser:", "O copie esta dirección en su navegador:")),
            esc(url)
        ));
    }
    for p in &letter.after {
        html.push_str(&format!("<p>{}</p>", esc(p)));
    }
    html.push_str(&format!(
        "<p>{}<br>{}</p><p style=\"color:#555;font-size:0.9em\">{}</p></body></html>",
        esc(&signature),
        esc(&contact),
        esc(not_you)
    ));
    Composed {
        to: to.to_string(),
        locale: lang.code(),
        kind: letter.kind,
        subject: format!("{} — {}", letter.subject, head.utility_name),
        text,
        html,
        secret: None,
    }
}

/// A message built from its parts, for features that keep their own texts (AutoPay,
/// payments) and the notices here: paragraphs, an optional button (label, portal path),
/// then closing paragraphs.
pub struct Parts<'a> {
    kind: &'static str,
    subject: &'a str,
    paragraphs: Vec<String>,
    action: Option<(&'a str, &'a str)>,
    after: Vec<String>,
}

impl<'a> Parts<'a> {
    /// A message of `kind` under `subject`, opening with `paragraph`.
    pub fn new(kind: &'static str, subject: &'a str, paragraph: String) -> Self {
        Self { kind, subject, paragraphs: vec![paragraph], action: None, after: vec![] }
    }

    /// Another paragraph before the button.
    pub fn paragraph(mut self, paragraph: String) -> Self {
        self.paragraphs.push(paragraph);
        self
    }

    /// The button: its label and the portal path it opens.
    pub fn action(mut self, (label, path): (&'a str, &'a str)) -> Self {
        self.action = Some((label, path));
        self
    }

    /// A closing paragraph, after the button.
    pub fn after(mut self, paragraph: impl Into<String>) -> Self {
        self.after.push(paragraph.into());
        self
    }

    /// The message, signed with the letterhead.
    pub fn write(self, head: &Letterhead, lang: Lang, to: &str) -> Composed {
        let Parts { kind, subject, paragraphs, action, after } = self;
        let action = action.map(|(label, path)| (label.to_string(), head.link(path)));
        let subject = subject.to_string();
        render(head, lang, to, Letter { kind, subject, paragraphs, action, after })
    }
}

/// Too many failed sign-ins: the owner hears about it, with the way back in.
pub fn sign_in_locked(head: &Letterhead, lang: Lang, to: &str, minutes: i64) -> Composed {
    let subject = lang.pick(
        "Sign-in paused after failed attempts",
        "Inicio de sesión en pausa tras intentos fallidos",
    );
    let what = match lang {
        Lang::En => format!(
            "Someone tried to sign in to your account with a wrong password too many times, so signing in is paused for {minutes} minutes."
        ),
        Lang::Es => format!(
            "Alguien intentó iniciar sesión en su cuenta con una contraseña incorrecta demasiadas veces, así que el inicio de sesión queda en pausa durante {minutes} minutos."
        ),
    };
    Parts::new("sign-in-locked", subject, what)
        .paragraph(lang.pick(
            "If it was you, wait and try again, or reset your password. If it was not you, reset your password now.",
            "Si fue usted, espere e inténtelo de nuevo, o restablezca su contraseña. Si no fue usted, restablezca su contraseña ahora.",
        ).into())
        .action((lang.pick("Reset your password", "Restablecer su contraseña"), paths::FORGOT_PASSWORD))
        .write(head, lang, to)
}

/// The single-use link of a password reset.
pub fn password_reset(head: &Letterhead, lang: Lang, to: &str, link: &str) -> Composed {
    let letter = Letter {
        kind: "password-reset",
        subject: lang.pick("Reset your password", "Restablezca su contraseña").into(),
        paragraphs: vec![lang
            .pick(
                "We received a request to reset the password of your login. The link below works once, for one hour.",
                "Recibimos una solicitud para restablecer la contraseña de su inicio de sesión. El enlace de abajo funciona una sola vez, durante una hora.",
            )
            .into()],
        action: Some((lang.pick("Choose a new password", "Elegir una contraseña nueva").into(), link.into())),
        after: vec![lang
            .pick(
                "If you did not ask for this, you can ignore this email: your password stays the same.",
                "Si usted no lo pidió, puede ignorar este correo: su contraseña no cambia.",
            )
            .into()],
    };
    render(head, lang, to, letter)
}

/// Sent after a password change, so that an owner who did not make it can act.
pub fn password_changed(head: &Letterhead, lang: Lang, to: &str) -> Composed {
    let subject = lang.pick("Your password was changed", "Su contraseña fue cambiada");
    let what = lang.pick(
        "The password of your login was just changed, and every other signed-in session was ended.",
        "La contraseña de su inicio de sesión acaba de cambiar y se cerraron todas las demás sesiones.",
    );
    Parts::new("password-changed", subject, what.into())
        .paragraph(
            lang.pick(
                "If you did not do this, reset your password right away and call us.",
                "Si usted no lo hizo, restablezca su contraseña de inmediato y llámenos.",
            )
            .into(),
        )
        .action((lang.pick("Sign in", "Iniciar sesión"), paths::SIGN_IN))
        .write(head, lang, to)
}

/// The link that switches one account to email delivery.
pub fn delivery_verify(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    account: &str,
    link: &str,
) -> Composed {
    let letter = Letter {
        kind: "delivery-verify",
        subject: lang.pick("Confirm paperless billing", "Confirme la facturación electrónica").into(),
        paragraphs: vec![match lang {
            Lang::En => format!(
                "You asked to receive the bills of account {account} by email at this address. Open the link below to confirm: it works once, for 24 hours. Until then your bills keep coming on paper."
            ),
            Lang::Es => format!(
                "Usted pidió recibir las facturas de la cuenta {account} por correo electrónico en esta dirección. Abra el enlace de abajo para confirmarlo: funciona una sola vez, durante 24 horas. Mientras tanto, sus facturas siguen llegando en papel."
            ),
        }],
        action: Some((lang.pick("Confirm email delivery", "Confirmar la entrega por correo electrónico").into(), link.into())),
        after: vec![lang
            .pick(
                "If you did not ask for this, ignore this email: nothing changes.",
                "Si usted no lo pidió, ignore este correo: nada cambia.",
            )
            .into()],
    };
    render(head, lang, to, letter)
}

/// Sent to the verified address when an account goes back to paper bills.
pub fn delivery_paper_notice(head: &Letterhead, lang: Lang, to: &str, account: &str) -> Composed {
    let subject = lang.pick("Your bills will come on paper", "Sus facturas llegarán en papel");
    let what = match lang {
        Lang::En => format!("The bills of account {account} will now be mailed on paper, no longer emailed to this address."),
        Lang::Es => format!("Las facturas de la cuenta {account} ahora llegarán por correo postal, ya no a esta dirección de correo electrónico."),
    };
    Parts::new("delivery-paper", subject, what)
        .paragraph(lang.pick(
            "If you did not make this change, sign in and check your Bill Settings, or call us.",
            "Si usted no hizo este cambio, inicie sesión y revise su Configuración de factura, o llámenos.",
        ).into())
        .action((lang.pick("Bill Settings", "Configuración de factura"), paths::DELIVERY_SETTINGS))
        .write(head, lang, to)
}

/// A new bill of an account on email delivery.
pub fn bill_ready(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    account: &str,
    amount: crate::domain::Cents,
    due_date: time::Date,
) -> Composed {
    let due_date = crate::domain::format::long_date(due_date, lang);
    let letter = Letter {
        kind: "bill-ready",
        subject: lang.pick("Your bill is ready", "Su factura está lista").into(),
        paragraphs: vec![match lang {
            Lang::En => format!("The new bill of account {account} is ready: {amount}, due {due_date}."),
            Lang::Es => format!("La nueva factura de la cuenta {account} está lista: {amount}, vence el {due_date}."),
        }],
        action: Some((lang.pick("See your bill", "Ver su factura").into(), head.link(paths::ACCOUNT))),
        after: vec![],
    };
    render(head, lang, to, letter)
}

/// To the former customer when their account moved to another customer (a move-out): the
/// AutoPay they set up for it ended. It names the account as they knew it, never who has it now.
/// Here with the other texts shared code sends (`bill_ready`), not in AutoPay's: the import
/// sends it, and shared modules do not reach into a feature.
pub fn ended_account_changed_hands(
    head: &Letterhead,
    lang: Lang,
    to: &str,
    account: &str,
) -> Composed {
    let p = match lang {
        Lang::En => format!("AutoPay for account {account} has ended because the account changed hands (it now belongs to another customer). Nothing more will be drafted from your payment method for this account."),
        Lang::Es => format!("El pago automático de la cuenta {account} terminó porque la cuenta cambió de titular (ahora pertenece a otro cliente). No se cobrará nada más de su método de pago para esta cuenta."),
    };
    let subject = lang.pick("Your AutoPay has ended", "Su pago automático terminó");
    Parts::new("autopay-ended-changed-hands", subject, p)
        .action((lang.pick("See AutoPay", "Ver pago automático"), paths::AUTOPAY_SETTINGS))
        .after(lang.pick(
            "If you still owe a bill of this account, please pay it another way, or call us.",
            "Si todavía debe una factura de esta cuenta, páguela de otra manera o llámenos.",
        ))
        .write(head, lang, to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Cents;

    fn head() -> Letterhead {
        Letterhead {
            utility_name: "Medford Water".into(),
            phone: "541-774-2430".into(),
            email: "customerservice@medfordwater.org".into(),
            base_url: "https://portal.example.org".into(),
        }
    }

    #[test]
    fn every_email_carries_the_utility_and_its_contact_in_both_forms() {
        for lang in [Lang::En, Lang::Es] {
            for m in [
                sign_in_locked(&head(), lang, "a@example.org", 15),
                password_reset(
                    &head(),
                    lang,
                    "a@example.org",
                    "https://portal.example.org/reset-password?token=x",
                ),
                password_changed(&head(), lang, "a@example.org"),
                delivery_verify(
                    &head(),
                    lang,
                    "a@example.org",
                    "12345678-1234567",
                    "https://x/billing/verify-email?token=t",
                ),
                delivery_paper_notice(&head(), lang, "a@example.org", "12345678-1234567"),
                bill_ready(
                    &head(),
                    lang,
                    "a@example.org",
                    "12345678-1234567",
                    crate::domain::Cents(6120),
                    time::macros::date!(2026 - 12 - 01),
                ),
            ] {
                assert_eq!(m.locale, lang.code());
                assert!(m.subject.ends_with("Medford Water"));
                for body in [&m.text, &m.html] {
                    assert!(
                        body.contains("541-774-2430")
                            && body.contains("customerservice@medfordwater.org")
                    );
                }
            }
        }
    }

    #[test]
    fn the_bill_ready_email_writes_its_due_date_in_the_readers_language() {
        let due = time::macros::date!(2026 - 12 - 01);
        let bill = |lang| bill_ready(&head(), lang, "a@example.org", "1-2", Cents(120450), due);
        let (en, es) = (bill(Lang::En), bill(Lang::Es));
        assert!(en.text.contains("is ready: $1,204.50, due December 1, 2026."), "{}", en.text);
        assert!(es.text.contains("$1,204.50, vence el 1 de diciembre de 2026."), "{}", es.text);
        assert!(!en.html.contains("2026-12-01") && !es.html.contains("2026-12-01"));
    }

    #[test]
    fn spanish_is_spanish() {
        let m = password_reset(&head(), Lang::Es, "a@example.org", "https://x/y");
        assert!(m.text.starts_with("Hola:"));
        assert!(m.text.contains("Elegir una contraseña nueva"));
        assert!(m.html.contains("lang=\"es\""));
    }

    #[test]
    fn html_is_escaped() {
        let mut h = head();
        h.utility_name = "A <b>&</b> Water".into();
        let m = password_changed(&h, Lang::En, "a@example.org");
        assert!(!m.html.contains("<b>"));
        assert!(m.html.contains("&lt;b&gt;"));
    }

    #[test]
    fn the_link_is_in_text_and_html() {
        let m = password_reset(
            &head(),
            Lang::En,
            "a@example.org",
            "https://portal.example.org/reset-password?token=abc",
        );
        assert!(m.text.contains("https://portal.example.org/reset-password?token=abc"));
        assert!(
            m.html.contains(
                "href=\"https:&#x2F;&#x2F;portal.example.org&#x2F;reset-password?token=abc\""
            ) || m.html.contains("href=\"https://portal.example.org/reset-password?token=abc\"")
        );
    }
}
