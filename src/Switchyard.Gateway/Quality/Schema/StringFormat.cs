namespace Switchyard.Gateway.Quality.Schema;

/// <summary>The string <c>format</c>s OpenAI structured outputs accept; the validator checks each one.</summary>
internal enum StringFormat
{
    /// <summary>No <c>format</c> keyword.</summary>
    None,

    /// <summary>RFC 3339 <c>date-time</c>: <c>2024-05-01T12:30:00Z</c>.</summary>
    DateTime,

    /// <summary>RFC 3339 <c>full-time</c>, with its offset: <c>12:30:00+02:00</c>.</summary>
    Time,

    /// <summary>RFC 3339 <c>full-date</c>: <c>2024-05-01</c>.</summary>
    Date,

    /// <summary>ISO 8601 duration: <c>P1Y2M3DT4H5M6S</c>, <c>P3W</c>.</summary>
    Duration,

    /// <summary>An RFC 5321 mailbox: <c>local@domain</c>.</summary>
    Email,

    /// <summary>An RFC 1123 host name.</summary>
    Hostname,

    /// <summary>A dotted-quad IPv4 address.</summary>
    Ipv4,

    /// <summary>An RFC 4291 IPv6 address (no zone).</summary>
    Ipv6,

    /// <summary>An RFC 4122 UUID: 8-4-4-4-12 hex digits.</summary>
    Uuid,
}
