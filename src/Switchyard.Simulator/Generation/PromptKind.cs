namespace Switchyard.Simulator.Generation;

/// <summary>The kinds of <see cref="PromptKinds"/> as values, usable as array indexes.</summary>
internal enum PromptKind
{
    General = 0,
    Code,
    Legal,
    Medical,
    Math,
    Json,
}
