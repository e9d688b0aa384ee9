//! Meter reads as series over local hours and days (`series`), and the water-use alerts
//! found in them (`alerts`, with their emails in `texts`): the shared home of what the
//! imports start and the usage page shows.

#[cfg(feature = "ssr")]
pub mod alerts;
#[cfg(feature = "ssr")]
pub mod series;
#[cfg(feature = "ssr")]
mod texts;
