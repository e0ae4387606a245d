using System.Text;
using Switchyard.Simulator.Generation;

namespace Switchyard.Simulator.Tests.Generation;

public sealed class PromptClassifierTests
{
    [Theory]
    [InlineData("Write a Python function to reverse a list", "Code")]
    [InlineData("Why does my SQL query throw an exception?", "Code")]
    [InlineData("Is this NDA clause enforceable in court?", "Legal")]
    [InlineData("What dose of ibuprofen is safe for a patient with a fever?", "Medical")]
    [InlineData("Solve the equation 2x + 3 = 11", "Math")]
    [InlineData("What is the capital of France?", "General")]
    [InlineData("The claw of a crab", "General")]
    public void Classify_Keywords_PickTheKind(string prompt, string expected)
    {
        Assert.Equal(Enum.Parse<PromptKind>(expected), PromptClassifier.Classify(Encoding.UTF8.GetBytes(prompt)));
    }
}
