namespace Switchyard.Registry.Licenses;

public sealed partial class LicenseCatalog
{
    // An SPDX license expression (SPDX 2.3 annex D), read leniently: operators in any case, "/" as OR (as in
    // "MIT/Apache-2.0"), and an operand of several words ("Llama 3.1 Community License") looked up as a whole.
    // AND binds tighter than OR; WITH attaches an exception, which does not change the licence's class here.
    private LicenseTerms? ResolveExpression(string text)
    {
        var tokens = Tokenise(text);
        if (tokens.Count < 2)
        {
            return null;
        }

        var position = 0;
        var result = ParseOr(tokens, ref position, out var ok);
        return ok && position == tokens.Count ? result : null;
    }

    private static List<string> Tokenise(string text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            var isBreak = char.IsWhiteSpace(c) || c is '(' or ')' or '/';
            if (!isBreak)
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start >= 0)
            {
                tokens.Add(text[start..i]);
                start = -1;
            }

            if (c is '(' or ')')
            {
                tokens.Add(c.ToString());
            }
            else if (c == '/')
            {
                tokens.Add("OR");
            }
        }

        return tokens;
    }

    private static bool IsOperator(string token, string op) => string.Equals(token, op, StringComparison.OrdinalIgnoreCase);

    private static bool IsAnyOperator(string token) =>
        IsOperator(token, "OR") || IsOperator(token, "AND") || IsOperator(token, "WITH") || token is "(" or ")";

    private LicenseTerms? ParseOr(List<string> tokens, ref int position, out bool ok)
    {
        LicenseTerms? best = ParseAnd(tokens, ref position, out ok);
        while (ok && position < tokens.Count && IsOperator(tokens[position], "OR"))
        {
            position++;
            var next = ParseAnd(tokens, ref position, out ok);
            if (next is not null && (best is null || Restrictiveness(next) < Restrictiveness(best)))
            {
                best = next;
            }
        }

        return best;
    }

    private LicenseTerms? ParseAnd(List<string> tokens, ref int position, out bool ok)
    {
        var worst = ParseWith(tokens, ref position, out ok);
        var unknown = worst is null;
        while (ok && position < tokens.Count && IsOperator(tokens[position], "AND"))
        {
            position++;
            var next = ParseWith(tokens, ref position, out ok);
            if (next is null)
            {
                unknown = true;
            }
            else if (worst is null || Restrictiveness(next) > Restrictiveness(worst))
            {
                worst = next;
            }
        }

        // Every part of a conjunction applies: one the catalog does not know makes the whole unknown (fail closed).
        return unknown ? null : worst;
    }

    private LicenseTerms? ParseWith(List<string> tokens, ref int position, out bool ok)
    {
        var terms = ParseAtom(tokens, ref position, out ok);
        if (ok && position < tokens.Count && IsOperator(tokens[position], "WITH"))
        {
            position++;
            ok = position < tokens.Count && !IsAnyOperator(tokens[position]);
            position++;
        }

        return terms;
    }

    private LicenseTerms? ParseAtom(List<string> tokens, ref int position, out bool ok)
    {
        if (position >= tokens.Count)
        {
            ok = false;
            return null;
        }

        if (tokens[position] == "(")
        {
            position++;
            var inner = ParseOr(tokens, ref position, out ok);
            ok = ok && position < tokens.Count && tokens[position] == ")";
            position++;
            return inner;
        }

        var start = position;
        while (position < tokens.Count && !IsAnyOperator(tokens[position]))
        {
            position++;
        }

        ok = position > start;
        if (!ok)
        {
            return null;
        }

        var operand = string.Join(' ', tokens.GetRange(start, position - start));
        return IsPlaceholder(operand) ? null : Lookup(operand);
    }
}
