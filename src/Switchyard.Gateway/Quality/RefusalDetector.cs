using System.Buffers;

namespace Switchyard.Gateway.Quality;

/// <summary>
/// Recognises an answer in which the model declined: a maintained set of refusal phrases in English, Spanish, French,
/// German, Portuguese, Italian, Dutch, Russian, Chinese, Japanese and Korean, looked for in the answer's first
/// <see cref="Window"/> characters (a refusal opens the answer; a long answer that quotes one later is not a refusal).
/// </summary>
/// <remarks>
/// Phrases are specific on purpose: "I'm sorry" alone also opens condolences and corrections, so it is not one. The text
/// is searched case-insensitively, with straight and typographic apostrophes alike. Add a phrase with a test.
/// </remarks>
internal static class RefusalDetector
{
    /// <summary>How much of the answer is read.</summary>
    public const int Window = 400;

    private static readonly string[] Phrases =
    [
        // English
        "i can't help with", "i cannot help with", "i can't assist with", "i cannot assist with", "i can't help you with",
        "i'm unable to help", "i am unable to help", "i'm not able to help", "i am not able to help", "i'm unable to assist",
        "i can't provide", "i cannot provide", "i'm unable to provide", "i am unable to provide", "i'm not able to provide",
        "i won't be able to help", "i'm sorry, but i can't", "i'm sorry, but i cannot", "i am sorry, but i cannot",
        "sorry, but i can't", "sorry, i can't help", "i must decline", "i have to decline", "i can't comply", "i cannot comply",
        "i can't fulfill", "i cannot fulfill", "i can't do that", "i can't answer that", "i cannot answer that",
        "i'm not allowed to", "i am not allowed to", "as an ai language model", "as a language model, i", "as an ai, i can't",
        "as an ai, i cannot", "against my guidelines", "i can't engage in", "i cannot engage in", "i can't create content",
        "i can't support that", "i'm not going to help",
        // Spanish
        "lo siento, pero no puedo", "no puedo ayudarte con", "no puedo ayudar con", "no puedo ayudarle con", "no puedo proporcionar",
        "como modelo de lenguaje", "no me es posible ayudar",
        // French
        "je suis désolé, mais je ne peux pas", "je suis désolée, mais je ne peux pas", "je ne peux pas vous aider",
        "je ne peux pas t'aider", "je ne peux pas fournir", "en tant que modèle de langage", "en tant qu'ia, je ne",
        // German
        "es tut mir leid, aber ich kann", "ich kann ihnen dabei nicht helfen", "ich kann dir dabei nicht helfen",
        "ich kann dabei nicht helfen", "ich kann keine informationen", "als ki-sprachmodell", "als ki kann ich",
        // Portuguese
        "desculpe, mas não posso", "não posso ajudar com", "não posso te ajudar", "não posso fornecer", "como modelo de linguagem",
        // Italian
        "mi dispiace, ma non posso", "non posso aiutarti", "non posso aiutarla", "non posso fornire", "come modello linguistico",
        // Dutch
        "het spijt me, maar ik kan", "ik kan je daar niet mee helpen", "ik kan u daar niet mee helpen", "ik kan daar niet bij helpen",
        // Russian
        "извините, но я не могу", "я не могу помочь", "я не могу предоставить", "как языковая модель",
        // Chinese
        "抱歉，我无法", "抱歉，我不能", "对不起，我不能", "对不起，我无法", "我无法提供", "我不能提供", "我无法帮助", "我不能帮助",
        "作为一个人工智能", "作为一个ai", "作为ai语言模型",
        // Japanese
        "お手伝いできません", "お答えできません", "提供できません", "お応えできません",
        // Korean
        "도와드릴 수 없습니다", "제공할 수 없습니다", "답변드릴 수 없습니다",
    ];

    /// <summary>
    /// Every phrase, also with a typographic apostrophe, searched for at once, ignoring case (a vectorised multi-string
    /// search: the window is read once, not once per phrase).
    /// </summary>
    private static readonly SearchValues<string> Search = SearchValues.Create(
        [.. Phrases, .. Phrases.Where(p => p.Contains('\'', StringComparison.Ordinal)).Select(p => p.Replace('\'', '\u2019'))],
        StringComparison.OrdinalIgnoreCase);

    /// <summary>The refusal phrase the answer opens with, or <see langword="null"/>.</summary>
    public static string? Find(ReadOnlySpan<char> answer)
    {
        var text = answer.TrimStart();
        var window = text[..Math.Min(text.Length, Window)];
        var at = window.IndexOfAny(Search);
        if (at < 0)
        {
            return null;
        }

        // Which phrase: the failure path only, so a plain scan is fine.
        var rest = window[at..];
        foreach (var phrase in Phrases)
        {
            if (rest.StartsWith(phrase, StringComparison.OrdinalIgnoreCase) || rest.StartsWith(phrase.Replace('\'', '\u2019'), StringComparison.OrdinalIgnoreCase))
            {
                return phrase;
            }
        }

        return rest[..Math.Min(rest.Length, 40)].ToString();
    }
}
