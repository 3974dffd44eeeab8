//! Parsing GraphQL arguments into the command side's checked values before any handler sees
//! them. A bad value is refused here with `BAD_USER_INPUT` and a message that names the
//! field; an input object's values are parsed in the order of its fields.
//!
//! [`FromInput`] says how one checked value is parsed from what GraphQL delivers;
//! [`command_input!`] declares a mutation's input object and its parse into the command's
//! input, field by field.

use crate::errors;
use async_graphql::{Result, ID};
use command::handlers::CommandOptions;
use schema::{IdempotencyKey, Region};

/// A checked value parsed from the GraphQL value `Raw`.
pub trait FromInput<Raw>: Sized {
    /// Parses `raw`, refusing it with `BAD_USER_INPUT`.
    fn from_input(raw: Raw) -> Result<Self>;
}

/// Values parsed from a GraphQL string or id by their own `parse`:
/// `parsed!(String => ClusterName, …)`, `parsed!(ID => ClusterId, …)`. A type module
/// declares its aggregate's own values the same way.
macro_rules! parsed {
    ($raw:ty => $($value:ty),+) => {
        $(impl $crate::graphql::inputs::FromInput<$raw> for $value {
            fn from_input(raw: $raw) -> async_graphql::Result<Self> {
                <$value>::parse(&raw).map_err($crate::errors::refused)
            }
        })+
    };
}
pub(crate) use parsed;

// Values more than one aggregate takes; each type module declares its aggregate's own.
parsed!(String => Region, IdempotencyKey);

impl<Raw, T: FromInput<Raw>> FromInput<Option<Raw>> for Option<T> {
    fn from_input(raw: Option<Raw>) -> Result<Self> {
        raw.map(T::from_input).transpose()
    }
}

/// A mutation's input object and its parse into the command's input struct (which has
/// the same field names): `command_input!(/// doc  CreateClusterInput => CreateCluster {
/// /// field doc  name: String, … })`. Each field's command type implements [`FromInput`]
/// of the GraphQL type given here.
macro_rules! command_input {
    ($(#[$doc:meta])* $name:ident => $command:ident {
        $($(#[$field_doc:meta])* $field:ident: $raw:ty),+ $(,)?
    }) => {
        $(#[$doc])*
        #[derive(async_graphql::InputObject, Clone, Debug)]
        pub struct $name {
            $($(#[$field_doc])* pub $field: $raw),+
        }

        impl $name {
            /// The checked command input.
            pub fn parse(self) -> async_graphql::Result<$command> {
                use $crate::graphql::inputs::FromInput;
                Ok($command {
                    $($field: FromInput::from_input(self.$field)?),+
                })
            }
        }
    };
}
pub(crate) use command_input;

/// Parses one argument.
pub fn parse<Raw, T: FromInput<Raw>>(raw: Raw) -> Result<T> {
    T::from_input(raw)
}

/// Parses an optional `idempotencyKey` argument.
pub fn idempotency_key(raw: Option<String>) -> Result<Option<IdempotencyKey>> {
    parse(raw)
}

/// Parses the `expectedVersion` and `idempotencyKey` arguments of a command on an
/// existing aggregate.
pub fn options(
    expected_version: Option<i64>,
    idempotency_key: Option<String>,
) -> Result<CommandOptions> {
    Ok(CommandOptions {
        expected_version,
        idempotency_key: self::idempotency_key(idempotency_key)?,
    })
}

/// Parses the id argument `field` of a read: any UUID, whatever it identifies.
pub fn any_id(field: &'static str, raw: &ID) -> Result<String> {
    schema::ids::parse_uuid(field, raw)
        .map(|u| u.to_string())
        .map_err(errors::refused)
}
