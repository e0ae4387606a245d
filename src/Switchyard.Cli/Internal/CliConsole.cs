using Spectre.Console;

namespace Switchyard.Cli.Internal;

/// <summary>The console the table-printing verbs write to: colours for a terminal, plain and wide when piped.</summary>
internal static class CliConsole
{
    public static IAnsiConsole Create(TextWriter output)
    {
        var target = new AnsiConsoleOutput(output);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = target,
            // Colours only for a terminal: piped into grep or a file, escape codes are noise.
            Ansi = target.IsTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = target.IsTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        });
        if (!target.IsTerminal)
        {
            // Piped or captured output has no window to fit: give the table room instead of wrapping every cell.
            console.Profile.Width = 220;
        }

        return console;
    }
}
