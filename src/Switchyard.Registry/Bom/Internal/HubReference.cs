using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Switchyard.Registry.Bom.Internal;

/// <summary>A Hugging Face Hub model repository, as the registry writes it: <c>hf://{org}/{name}[@{revision}]</c>.</summary>
/// <param name="Namespace">The user or organisation; null for the few legacy repositories without one (<c>gpt2</c>).</param>
/// <param name="Name">The repository name.</param>
/// <param name="Revision">The revision after <c>@</c>, as written; null when there is none.</param>
internal readonly record struct HubReference(string? Namespace, string Name, string? Revision)
{
    private const string Scheme = "hf://";

    /// <summary>The repository id the Hub uses, <c>{org}/{name}</c>.</summary>
    public string RepositoryId => Namespace is null ? Name : Namespace + "/" + Name;

    /// <summary>Parses <c>hf://org/name</c>, <c>hf://name</c>, each with an optional <c>@revision</c>.</summary>
    public static bool TryParse(string? value, out HubReference reference)
    {
        reference = default;
        if (value is null || !value.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        var rest = value.AsSpan(Scheme.Length);
        string? revision = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            revision = rest[(at + 1)..].ToString();
            rest = rest[..at];
            if (revision.Length == 0)
            {
                return false;
            }
        }
        var slash = rest.IndexOf('/');
        if (slash < 0)
        {
            if (!IsRepoSegment(rest))
            {
                return false;
            }
            reference = new HubReference(null, rest.ToString(), revision);
            return true;
        }
        var ns = rest[..slash];
        var name = rest[(slash + 1)..];
        if (!IsRepoSegment(ns) || !IsRepoSegment(name))
        {
            return false;
        }
        reference = new HubReference(ns.ToString(), name.ToString(), revision);
        return true;
    }

    /// <summary>True when <paramref name="value"/> is a full 40-hex Git commit id, the only revision a purl may carry.</summary>
    public static bool IsCommit([NotNullWhen(true)] string? value)
    {
        if (value is null || value.Length != 40)
        {
            return false;
        }
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The package URL <c>pkg:huggingface/{namespace}/{name}@{commit}</c> (purl-spec
    /// <c>types/huggingface-definition.json</c>): namespace and name keep their case (the type declares them case
    /// sensitive), the commit is lower-cased (the type requires it). <see cref="TryParse"/> admits only letters, digits,
    /// <c>-</c>, <c>_</c> and <c>.</c> in segments, all unreserved in a purl, so nothing needs percent-encoding.
    /// </summary>
    public string ToPurl(string commit)
    {
        var sb = new StringBuilder("pkg:huggingface/");
        if (Namespace is not null)
        {
            sb.Append(Namespace).Append('/');
        }
        sb.Append(Name).Append('@').Append(commit.ToLowerInvariant());
        return sb.ToString();
    }

    /// <summary>The repository's page on the public Hub.</summary>
    public string ToUrl() => "https://huggingface.co/" + RepositoryId;

    // The Hub allows letters, digits, '-', '_' and '.' in user, organisation and repository names.
    private static bool IsRepoSegment(ReadOnlySpan<char> segment)
    {
        if (segment.IsEmpty)
        {
            return false;
        }
        foreach (var c in segment)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }
        return true;
    }
}
