//! `Sensitive<T>`: a value (a password) that must never be printed, logged or serialised.
//!
//! `Debug` and `Display` print `<redacted>`, there is deliberately no `Serialize`, and the
//! memory is wiped when the value is dropped. The only way to the value is `expose()`, so
//! every use of a secret is easy to find.

use zeroize::Zeroize;

/// A secret value: redacted in `Debug`/`Display`, never serialised, wiped on drop.
///
/// Serialising one does not compile:
///
/// ```compile_fail
/// fn to_json<T: serde::Serialize>(_: &T) {}
/// to_json(&portolan_core::sensitive::Sensitive::new(String::from("secret")));
/// ```
pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    /// Wraps a secret.
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The secret itself. Call only where the value really leaves memory (AUTH, the keychain).
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize + Clone> Clone for Sensitive<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Zeroize> std::fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Zeroize> std::fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for Sensitive<String> {
    fn from(s: String) -> Self {
        Self(s)
    }
}

/// A secret arriving from outside (the window's request) goes straight into its wrapper.
/// There is still no `Serialize`: a secret is read in, never written out.
impl<'de> serde::Deserialize<'de> for Sensitive<String> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Self)
    }
}

/// A password held in memory.
pub type Password = Sensitive<String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_secret() {
        let s = Sensitive::new(String::from("canary-Pa55word"));
        assert_eq!(format!("{s:?}"), "<redacted>");
        assert_eq!(format!("{s}"), "<redacted>");
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            password: Sensitive<String>,
        }
        let h = Holder { password: s };
        let shown = format!("{h:?} {h:#?}");
        assert!(!shown.contains("canary"), "{shown}");
        assert_eq!(h.password.expose(), "canary-Pa55word");
    }
}
