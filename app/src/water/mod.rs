//! Meter reads as series over local hours and days (`series`), the water-use alerts found
//! in them (`alerts`, with their emails and texts in `texts`) and the customer's choices
//! about them (`choices`): the shared home of what the imports start and the usage and
//! alert settings pages show.

#[cfg(feature = "ssr")]
pub mod alerts;
#[cfg(feature = "ssr")]
pub mod choices;
#[cfg(feature = "ssr")]
pub mod series;
#[cfg(feature = "ssr")]
mod texts;
