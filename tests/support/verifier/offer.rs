//! What a paid route offers ([`Offer`]: its options, resource, extensions and answers) and the
//! bodies the server generates as it sends them ([`Generated`]).

use super::*;

/// A response body made while it is sent: `len` bytes of [`pattern`], announced as
/// `Content-Length: len`, and how it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Generated {
    pub len: u64,
    pub end: BodyEnd,
}

/// How a generated body ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyEnd {
    /// Every byte is sent.
    Complete,
    /// This many bytes, then the connection is closed (a body cut short: curl 18/56).
    CloseAt(u64),
    /// This many bytes, then nothing more until the client leaves.
    StallAt(u64),
}

impl Generated {
    pub fn new(len: u64) -> Self {
        Self {
            len,
            end: BodyEnd::Complete,
        }
    }

    pub fn close_at(mut self, sent: u64) -> Self {
        self.end = BodyEnd::CloseAt(sent);
        self
    }

    pub fn stall_at(mut self, sent: u64) -> Self {
        self.end = BodyEnd::StallAt(sent);
        self
    }

    /// How many bytes go out.
    pub fn sent(&self) -> u64 {
        match self.end {
            BodyEnd::Complete => self.len,
            BodyEnd::CloseAt(n) | BodyEnd::StallAt(n) => n.min(self.len),
        }
    }
}

/// The block a generated body repeats: pseudo-random bytes, of a prime length so that no
/// buffer size of the client lines up with it, and a piece lost, doubled or moved changes
/// the hash.
pub fn pattern() -> &'static [u8] {
    static BLOCK: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BLOCK.get_or_init(|| {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        (0..999_983)
            .map(|_| {
                // xorshift64*
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                (x.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8
            })
            .collect()
    })
}

/// Lowercase hex SHA-256 of the first `len` bytes of the repeated [`pattern`].
pub fn pattern_sha256(len: u64) -> String {
    use sha2::Digest as _;
    let mut hash = sha2::Sha256::new();
    let block = pattern();
    let mut left = len;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        hash.update(&block[..n]);
        left -= n as u64;
    }
    alloy_primitives::hex::encode(hash.finalize())
}

/// What a paid route offers and how it answers.
#[derive(Clone, Debug)]
pub struct Offer {
    pub version: Version,
    /// The `accepts` entries. v2 sends each as the JSON text of this value (key order kept),
    /// which is what `accepted` must echo. A v1 entry whose `resource` is `null` gets the
    /// route's URL.
    pub accepts: Vec<Value>,
    /// v2 `resource`; `None` means `{url, description, mimeType}` for the request's URL.
    pub resource: Option<Value>,
    /// v2 `extensions`, which the payment must echo unchanged when present.
    pub extensions: Option<Value>,
    pub answer: Answer,
    /// How the first payments are answered, in order; the later ones get `answer`. Replacing
    /// the route ([`Verifier::update`]) starts the count again.
    pub first: Vec<Answer>,
    /// The `description` of the default `resource`.
    pub description: String,
    /// The body of a successful paid answer (JSON). `{path}` in it stands for the request's
    /// path, so that one route can answer many.
    pub body: String,
    /// When set, the body of a successful paid answer instead of `body`.
    pub generated: Option<Generated>,
    /// Where [`Answer::Unconfirmed`], [`Answer::TakeAndRefuse`] and [`Answer::Reverted`] send
    /// their transactions.
    pub chain: Option<Chain>,
}

/// A v2 `exact` option on Base Sepolia USDC for `amount` atomic units (6 decimals), in the
/// key order of the reference server.
pub fn v2_option(amount: &str) -> Value {
    json!({
        "scheme": "exact",
        "network": "eip155:84532",
        "amount": amount,
        "asset": BASE_SEPOLIA_USDC,
        "payTo": PAY_TO,
        "maxTimeoutSeconds": 60,
        "extra": {"name": "USDC", "version": "2"},
    })
}

/// A v1 `exact` option on `base-sepolia` USDC; `resource` is filled with the route's URL.
pub fn v1_option(amount: &str) -> Value {
    json!({
        "scheme": "exact",
        "network": "base-sepolia",
        "maxAmountRequired": amount,
        "resource": null,
        "description": "a paid test route",
        "mimeType": "application/json",
        "payTo": PAY_TO,
        "maxTimeoutSeconds": 60,
        "asset": BASE_SEPOLIA_USDC,
        "extra": {"name": "USDC", "version": "2"},
    })
}

impl Offer {
    /// v2, one option of 0.001 USDC, answered with success.
    pub fn v2() -> Self {
        Self::new(Version::V2, v2_option("1000"))
    }

    /// v1, one option of 0.001 USDC, answered with success.
    pub fn v1() -> Self {
        Self::new(Version::V1, v1_option("1000"))
    }

    fn new(version: Version, option: Value) -> Self {
        Self {
            version,
            accepts: vec![option],
            resource: None,
            extensions: None,
            answer: Answer::Success,
            first: Vec::new(),
            description: "a paid test route".into(),
            body: r#"{"paid":true}"#.into(),
            generated: None,
            chain: None,
        }
    }

    /// Settles on this chain (for the answers that settle).
    pub fn settle_on(mut self, chain: Chain) -> Self {
        self.chain = Some(chain);
        self
    }

    pub fn answer(mut self, answer: Answer) -> Self {
        self.answer = answer;
        self
    }

    /// Answers the first payments with these, in order, then with `answer`.
    pub fn first(mut self, answers: Vec<Answer>) -> Self {
        self.first = answers;
        self
    }

    pub fn extensions(mut self, extensions: Value) -> Self {
        self.extensions = Some(extensions);
        self
    }

    pub fn description(mut self, text: &str) -> Self {
        self.description = text.into();
        self
    }

    /// This offer as sent for a request to `path` on `base`: a v1 `resource: null` and a
    /// missing v2 `resource` are filled in with the URL, `{path}` in the body with the path.
    pub fn for_request(&self, base: &str, path: &str) -> Offer {
        let url = format!("{base}{path}");
        let mut offer = self.clone();
        offer.body = offer.body.replace("{path}", path);
        for o in &mut offer.accepts {
            if o.get("resource") == Some(&Value::Null) {
                o["resource"] = Value::from(url.as_str());
            }
        }
        if offer.resource.is_none() && offer.version == Version::V2 {
            offer.resource = Some(json!({
                "url": url,
                "description": offer.description,
                "mimeType": "application/json",
            }));
        }
        offer
    }

    /// The v2 `PAYMENT-REQUIRED` header of this offer (as sent for a request: see
    /// [`Offer::for_request`]), with this `error` or the reference servers' initial wording.
    pub fn payment_required(&self, error: Option<&str>) -> String {
        let mut doc = json!({
            "x402Version": 2,
            "error": error.unwrap_or("Payment required"),
            "resource": self.resource,
            "accepts": self.accepts,
        });
        if let Some(ext) = &self.extensions {
            doc["extensions"] = ext.clone();
        }
        b64(&doc)
    }

    /// How the payment numbered `nth` (from 0) on this route is answered.
    pub(super) fn answer_for(&self, nth: usize) -> &Answer {
        self.first.get(nth).unwrap_or(&self.answer)
    }

    pub fn accepts(mut self, accepts: Vec<Value>) -> Self {
        self.accepts = accepts;
        self
    }

    pub fn body(mut self, body: &str) -> Self {
        self.body = body.into();
        self
    }

    pub fn generated(mut self, body: Generated) -> Self {
        self.generated = Some(body);
        self
    }
}
