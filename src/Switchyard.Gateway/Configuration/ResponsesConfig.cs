namespace Switchyard.Gateway.Configuration;

/// <summary>The Responses API's stored responses (<c>responses:</c>): how long they are kept and who may read them.</summary>
public sealed record ResponsesConfig
{
    /// <summary>
    /// Default <see cref="Retention"/>: 30 days, as OpenAI keeps stored responses ("at least 30 days" in its API
    /// reference), so that a client written against OpenAI finds its conversations for as long here.
    /// </summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(30);

    /// <summary>How long a stored response is served after it was created (<c>retention</c>); expired ones are purged.</summary>
    public TimeSpan Retention { get; init; } = DefaultRetention;

    /// <summary>Who may read a stored response (<c>scope</c>): the key that created it (default), or every key of its team.</summary>
    public ResponsesScope Scope { get; init; } = ResponsesScope.Key;
}

/// <summary>Who may read, continue and delete a stored response.</summary>
public enum ResponsesScope
{
    /// <summary>Only the key that created it.</summary>
    Key,

    /// <summary>Every key of the creating key's team (as OpenAI's responses belong to a project, not to a key).</summary>
    Team,
}
