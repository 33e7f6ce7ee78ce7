//! The closed vocabularies of the profile: steps, colours, fibres, claims, and the processing
//! stage a lot is in.

use serde::{Deserialize, Serialize};

macro_rules! closed_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $s)] $var),+
        }

        impl $name {
            /// Every value, in the profile's order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The profile's spelling.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$var => $s),+ }
            }

            /// The value of a profile spelling.
            pub fn parse(s: &str) -> Option<$name> {
                match s { $($s => Some($name::$var),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_enum! {
    /// `cm:process`: which step of the chain an event is.
    Process {
        Combing = "combing",
        Delivery = "delivery",
        Pooling = "pooling",
        Sorting = "sorting",
        LabTest = "lab-test",
        Sale = "sale",
        Scouring = "scouring",
        Dehairing = "dehairing",
        Spinning = "spinning",
        Dyeing = "dyeing",
        Knitting = "knitting",
        Packing = "packing",
        Shipping = "shipping",
        FibreIntake = "fibre-intake",
    }
}

impl Process {
    /// Steps written as TransformationEvents that make lots out of lots.
    pub fn is_lot_transformation(self) -> bool {
        matches!(
            self,
            Process::Pooling
                | Process::Sorting
                | Process::Scouring
                | Process::Dehairing
                | Process::Spinning
                | Process::Dyeing
        )
    }
}

closed_enum! {
    /// `cm:colour`: natural colour class of raw fibre.
    Colour {
        White = "white",
        LightGrey = "light-grey",
        Grey = "grey",
        Red = "red",
        Brown = "brown",
    }
}

closed_enum! {
    /// `cm:fibre`: what an outside lot is.
    Fibre {
        Cashmere = "cashmere",
        Wool = "wool",
        Yak = "yak",
        Camel = "camel",
        Silk = "silk",
        Synthetic = "synthetic",
        Other = "other",
    }
}

closed_enum! {
    /// What a source lot may be claimed as. Combing lots are `mongolian-cashmere`; outside lots
    /// are their fibre, cashmere not from Mongolia being `other-cashmere`; fibre of a lot the
    /// ledger never saw created is `unknown`.
    Claim {
        MongolianCashmere = "mongolian-cashmere",
        OtherCashmere = "other-cashmere",
        Wool = "wool",
        Yak = "yak",
        Camel = "camel",
        Silk = "silk",
        Synthetic = "synthetic",
        Other = "other",
        Unknown = "unknown",
    }
}

impl Claim {
    /// The claim of an outside lot of `fibre` from country `origin` (ISO 3166-1 alpha-2).
    pub fn of_fibre(fibre: Fibre, origin: &str) -> Claim {
        match fibre {
            Fibre::Cashmere if origin.eq_ignore_ascii_case("MN") => Claim::MongolianCashmere,
            Fibre::Cashmere => Claim::OtherCashmere,
            Fibre::Wool => Claim::Wool,
            Fibre::Yak => Claim::Yak,
            Fibre::Camel => Claim::Camel,
            Fibre::Silk => Claim::Silk,
            Fibre::Synthetic => Claim::Synthetic,
            Fibre::Other => Claim::Other,
        }
    }
}

closed_enum! {
    /// How far a lot's fibre has been processed; chooses the dehairing yield band (from raw or
    /// from scoured fibre). Pooling and sorting keep the stage of their inputs.
    Stage {
        Raw = "raw",
        Scoured = "scoured",
        Dehaired = "dehaired",
        Yarn = "yarn",
        Garment = "garment",
        /// Inputs of different stages were pooled.
        Mixed = "mixed",
        /// An outside lot, or one the ledger never saw created.
        Unknown = "unknown",
    }
}

/// The NSO aimag code of a soum: digits 2–3 of the 5-digit soum code (`18101` → `81`).
pub fn aimag_of(soum: &str) -> Option<&str> {
    (soum.len() == 5 && soum.bytes().all(|b| b.is_ascii_digit())).then(|| &soum[1..3])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for p in Process::ALL {
            assert_eq!(Process::parse(p.as_str()), Some(*p));
            assert_eq!(
                serde_json::to_value(p).unwrap(),
                serde_json::json!(p.as_str())
            );
        }
        assert_eq!(Process::parse("Combing"), None);
        assert_eq!(Colour::parse("light-grey"), Some(Colour::LightGrey));
        assert_eq!(
            Claim::of_fibre(Fibre::Cashmere, "mn"),
            Claim::MongolianCashmere
        );
        assert_eq!(Claim::of_fibre(Fibre::Cashmere, "CN"), Claim::OtherCashmere);
        assert_eq!(Claim::of_fibre(Fibre::Wool, "MN"), Claim::Wool);
    }

    #[test]
    fn aimag_codes() {
        assert_eq!(aimag_of("18101"), Some("81"));
        assert_eq!(aimag_of("1810"), None);
        assert_eq!(aimag_of("1810x"), None);
    }
}
