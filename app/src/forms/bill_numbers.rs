//! The messages of the numbers on a bill (Customer Number-Account Number and ZIP code),
//! which registration and Quick Pay both read with the domain's parsers.

use super::I18n;
use crate::domain::customer_account::NumberError;
use crate::domain::zip::ZipError;
use crate::i18n::*;

pub fn number_error_text(i18n: I18n, e: NumberError) -> String {
    match e {
        NumberError::Empty => t_string!(i18n, register.number_empty),
        NumberError::MissingHyphen => t_string!(i18n, register.number_missing_hyphen),
        NumberError::NotDigits => t_string!(i18n, register.number_not_digits),
        NumberError::EmptyPart => t_string!(i18n, register.number_part_empty),
        NumberError::CustomerTooLong | NumberError::AccountTooLong => {
            t_string!(i18n, register.number_too_long)
        }
    }
    .to_string()
}

pub fn zip_error_text(i18n: I18n, e: ZipError) -> String {
    match e {
        ZipError::Empty => t_string!(i18n, register.zip_empty),
        ZipError::Malformed => t_string!(i18n, register.zip_format),
    }
    .to_string()
}
