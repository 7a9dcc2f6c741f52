#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod guidance;
pub mod reply;

pub use reply::Reply;
