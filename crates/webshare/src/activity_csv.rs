//! The activity download's CSV: a header naming the columns, then one proxy request a line. Columns are
//! found by name, so a reordered or widened export still reads.

use chrono::{DateTime, FixedOffset};

use crate::Error;

/// One row of the activity download.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ActivityRecord {
    /// When the request was made.
    pub time: DateTime<FixedOffset>,
    /// The target's hostname.
    pub hostname: Option<String>,
    /// The target's port.
    pub destination_port: Option<u16>,
    /// Bytes uploaded and downloaded.
    pub bytes: u64,
    /// The request's duration, in seconds.
    pub duration_seconds: f64,
    /// The proxy address used.
    pub proxy: Option<String>,
    /// The address the client connected from.
    pub client_address: Option<String>,
    /// Why the request failed, if it did.
    pub error_reason: Option<String>,
    /// `http` or `socks`.
    pub protocol: Option<String>,
}

/// The documented columns, in the order [`ActivityRecord`] holds them.
const COLUMNS: [&str; 9] = [
    "Time",
    "Hostname",
    "Destination Port",
    "Bytes",
    "Duration",
    "Proxy",
    "Your IP Address",
    "Error Reason",
    "Protocol",
];

/// Reads the rows; the first line is the header.
#[derive(Debug, Default)]
pub(crate) struct ActivityCsv {
    /// For each documented column, its index in the file's rows.
    index: Option<[usize; 9]>,
}

impl ActivityCsv {
    /// One line: the header (answered `None`) or a row.
    pub(crate) fn line(&mut self, line: u64, text: &str) -> Result<Option<ActivityRecord>, Error> {
        let bad = |field: &'static str, message: String| Error::MalformedRecord {
            line,
            field,
            message,
        };
        let fields = split(text).map_err(|m| bad("line", m.into()))?;
        let Some(index) = self.index else {
            let mut index = [0; 9];
            for (slot, column) in index.iter_mut().zip(COLUMNS) {
                *slot = fields
                    .iter()
                    .position(|f| f.trim().eq_ignore_ascii_case(column))
                    .ok_or_else(|| bad("header", format!("has no `{column}` column")))?;
            }
            self.index = Some(index);
            return Ok(None);
        };
        let column = |i: usize| fields.get(index[i]).map(|f| f.trim()).unwrap_or("");
        let optional = |i: usize| match column(i) {
            "" | "None" => None,
            value => Some(value.to_owned()),
        };
        let time = DateTime::parse_from_str(column(0), "%Y-%m-%d %H:%M:%S%.f%:z")
            .or_else(|_| DateTime::parse_from_rfc3339(column(0)))
            .map_err(|_| bad("Time", "is not a date-time".into()))?;
        let destination_port = match optional(2) {
            None => None,
            Some(p) => Some(
                p.parse::<u16>()
                    .map_err(|_| bad("Destination Port", "is not a port number".into()))?,
            ),
        };
        let bytes = column(3)
            .parse::<u64>()
            .map_err(|_| bad("Bytes", "is not a byte count".into()))?;
        let duration_seconds = column(4)
            .parse::<f64>()
            .ok()
            .filter(|d| d.is_finite() && *d >= 0.0)
            .ok_or_else(|| bad("Duration", "is not a duration in seconds".into()))?;
        Ok(Some(ActivityRecord {
            time,
            hostname: optional(1),
            destination_port,
            bytes,
            duration_seconds,
            proxy: optional(5),
            client_address: optional(6),
            error_reason: optional(7),
            protocol: optional(8),
        }))
    }
}

/// The fields of one CSV line (RFC 4180: fields may be quoted, a quote inside doubled).
fn split(line: &str) -> Result<Vec<String>, &'static str> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', false) if field.is_empty() => quoted = true,
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => {
                quoted = false;
                if !matches!(chars.peek(), None | Some(',')) {
                    return Err("has text after a closing quote");
                }
            }
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    if quoted {
        return Err("has an unclosed quote");
    }
    fields.push(field);
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "Time,Hostname,Destination Port,Bytes,Duration,Proxy,Your IP Address,Error Reason,Protocol";

    #[test]
    fn rows_are_read_by_column_name() {
        let mut csv = ActivityCsv::default();
        assert_eq!(csv.line(1, HEADER).unwrap(), None);
        let row = csv
            .line(
                2,
                "2023-10-16 23:38:51.384785-07:00,test.dev.webshare.io,443,102400,0.3,178.62.198.117,10.1.0.1,None,http",
            )
            .unwrap()
            .unwrap();
        assert_eq!(row.hostname.as_deref(), Some("test.dev.webshare.io"));
        assert_eq!((row.destination_port, row.bytes), (Some(443), 102_400));
        assert_eq!(row.error_reason, None);
        assert_eq!(row.time.to_rfc3339(), "2023-10-16T23:38:51.384785-07:00");
        // Another column order, and quoting.
        let mut csv = ActivityCsv::default();
        csv.line(1, "Protocol,Time,Hostname,Destination Port,Bytes,Duration,Proxy,Your IP Address,Error Reason,Extra")
            .unwrap();
        let row = csv
            .line(
                2,
                r#"socks,2023-10-16 23:38:51-07:00,"a,""b""",None,0,1.5,None,None,timeout,x"#,
            )
            .unwrap()
            .unwrap();
        assert_eq!(row.hostname.as_deref(), Some(r#"a,"b""#));
        assert_eq!(row.protocol.as_deref(), Some("socks"));
        assert_eq!(row.destination_port, None);
    }

    #[test]
    fn bad_rows_name_their_line_and_column() {
        let mut csv = ActivityCsv::default();
        match csv.line(1, "Time,Hostname") {
            Err(Error::MalformedRecord {
                line: 1,
                field: "header",
                message,
            }) => {
                assert!(message.contains("Destination Port"))
            }
            other => panic!("{other:?}"),
        }
        let mut csv = ActivityCsv::default();
        csv.line(1, HEADER).unwrap();
        for (row, field) in [
            ("yesterday,h,443,1,0.1,p,c,None,http", "Time"),
            (
                "2023-10-16 23:38:51-07:00,h,http,1,0.1,p,c,None,http",
                "Destination Port",
            ),
            (
                "2023-10-16 23:38:51-07:00,h,443,-1,0.1,p,c,None,http",
                "Bytes",
            ),
            (
                "2023-10-16 23:38:51-07:00,h,443,1,NaN,p,c,None,http",
                "Duration",
            ),
            (
                "2023-10-16 23:38:51-07:00,\"h,443,1,0.1,p,c,None,http",
                "line",
            ),
        ] {
            match csv.line(9, row) {
                Err(Error::MalformedRecord {
                    line: 9, field: f, ..
                }) => assert_eq!(f, field, "{row}"),
                other => panic!("{row}: {other:?}"),
            }
        }
    }
}
