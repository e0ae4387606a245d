using System.Text;

namespace Switchyard.Gateway.Quality.Schema;

/// <summary>One step of a JSON path: a property name, or an array index when <see cref="Name"/> is null.</summary>
internal readonly record struct PathSegment(string? Name, int Index)
{
    /// <summary>A step into a property.</summary>
    public static PathSegment Property(string name) => new(name, -1);

    /// <summary>A step into an array element.</summary>
    public static PathSegment Element(int index) => new(null, index);

    /// <summary>Renders <paramref name="segments"/> after <paramref name="root"/>: <c>$.items[2].name</c>, <c>$['a b']</c>.</summary>
    /// <param name="root">What the path starts with (<c>$</c>, or empty for a relative path).</param>
    /// <param name="segments">The steps, outermost first unless <paramref name="innermostFirst"/>.</param>
    /// <param name="innermostFirst">Whether the list runs from the leaf up (as a failing walk collects it).</param>
    public static string Render(string root, List<PathSegment>? segments, bool innermostFirst)
    {
        if (segments is null || segments.Count == 0)
        {
            return root;
        }

        var text = new StringBuilder(root);
        for (var i = 0; i < segments.Count; i++)
        {
            segments[innermostFirst ? segments.Count - 1 - i : i].AppendTo(text);
        }

        return text.ToString();
    }

    private void AppendTo(StringBuilder text)
    {
        if (Name is null)
        {
            text.Append('[').Append(Index).Append(']');
        }
        else if (IsIdentifier(Name))
        {
            text.Append('.').Append(Name);
        }
        else
        {
            text.Append("['").Append(Name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)).Append("']");
        }
    }

    private static bool IsIdentifier(string name)
    {
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '$')
            {
                return false;
            }
        }

        return true;
    }
}
