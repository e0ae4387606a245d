using System.Text.RegularExpressions;
using Switchyard.Gateway.Configuration;

namespace Switchyard.Gateway.Quality;

/// <summary>A route's <c>quality.expect</c> rules, compiled once per configuration.</summary>
internal sealed class AnswerExpectations
{
    private readonly Regex? _pattern;
    private readonly string? _patternText;
    private readonly string[] _contains;
    private readonly string[] _notContains;
    private readonly int? _minChars;
    private readonly int? _maxChars;

    public AnswerExpectations(QualityExpectations config)
    {
        _patternText = config.Pattern;
        _pattern = config.Pattern is { } pattern ? CompilePattern(pattern) : null;
        _contains = [.. config.Contains];
        _notContains = [.. config.NotContains];
        _minChars = config.MinChars;
        _maxChars = config.MaxChars;
        Rules = (_pattern is null ? 0 : 1) + _contains.Length + _notContains.Length + (_minChars is null ? 0 : 1) + (_maxChars is null ? 0 : 1);
    }

    /// <summary>How many rules there are; an answer passes the expectations check when it meets all of them.</summary>
    public int Rules { get; }

    /// <summary>Patterns run in linear time: no answer can make them slow.</summary>
    public static Regex CompilePattern(string pattern) =>
        new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);

    /// <summary>How many rules <paramref name="text"/> meets; the first unmet rule is described in <paramref name="unmet"/>.</summary>
    public int Check(ReadOnlySpan<char> text, out string? unmet)
    {
        unmet = null;
        var met = 0;
        if (_pattern is not null)
        {
            if (_pattern.IsMatch(text))
            {
                met++;
            }
            else
            {
                unmet ??= $"does not match the pattern {_patternText}";
            }
        }

        foreach (var needle in _contains)
        {
            if (text.Contains(needle, StringComparison.OrdinalIgnoreCase))
            {
                met++;
            }
            else
            {
                unmet ??= $"does not contain '{needle}'";
            }
        }

        foreach (var needle in _notContains)
        {
            if (!text.Contains(needle, StringComparison.OrdinalIgnoreCase))
            {
                met++;
            }
            else
            {
                unmet ??= $"contains '{needle}'";
            }
        }

        if (_minChars is { } min)
        {
            if (text.Length >= min)
            {
                met++;
            }
            else
            {
                unmet ??= $"{text.Length} characters, fewer than min_chars {min}";
            }
        }

        if (_maxChars is { } max)
        {
            if (text.Length <= max)
            {
                met++;
            }
            else
            {
                unmet ??= $"{text.Length} characters, more than max_chars {max}";
            }
        }

        return met;
    }
}
