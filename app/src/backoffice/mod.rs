//! The utility's back office (issue 18): what the staff who answer customers' calls see.
//! One folder per part: finding the customer (`search`) and the customer's page
//! (`customer`), each with its types (browser-safe), its SQL (`data`, server only) and its
//! markup (`components`, props in, markup out). The server functions that call them, their
//! routes and the staff guard come with the staff's identity (`auth`).

pub mod customer;
pub mod search;
