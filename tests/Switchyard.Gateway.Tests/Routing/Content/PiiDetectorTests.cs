using System.Collections.Immutable;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Routing.Content;

namespace Switchyard.Gateway.Tests.Routing.Content;

public sealed class PiiDetectorTests
{
    private static PiiFindings Scan(string text) => PiiDetector.Default.Scan(text);

    [Theory]
    [InlineData("write to john.smith@example.com please", PiiKinds.Email)]
    [InlineData("a+tag@mail.sub.example.co.uk", PiiKinds.Email)]
    [InlineData("Card: 4111 1111 1111 1111, exp 12/27", PiiKinds.PaymentCard)]
    [InlineData("amex 378282246310005", PiiKinds.PaymentCard)]
    [InlineData("mc 5555-5555-5555-4444", PiiKinds.PaymentCard)]
    [InlineData("mc2 2223003122003222", PiiKinds.PaymentCard)]
    [InlineData("discover 6011111111111117.", PiiKinds.PaymentCard)]
    [InlineData("IBAN DE89 3704 0044 0532 0130 00 for the transfer", PiiKinds.Iban)]
    [InlineData("GB82WEST12345698765432", PiiKinds.Iban)]
    [InlineData("pay NL91ABNA0417164300.", PiiKinds.Iban)]
    [InlineData("SSN 123-45-6789", PiiKinds.UsSsn)]
    [InlineData("ssn: 536 22 1234", PiiKinds.UsSsn)]
    [InlineData("NI number AB123456C", PiiKinds.UkNino)]
    [InlineData("NINO: JG 10 37 21 D.", PiiKinds.UkNino)]
    [InlineData("DNI 12345678Z", PiiKinds.EsDni)]
    [InlineData("dni 12345678-z", PiiKinds.EsDni)]
    [InlineData("NIE X1234567L", PiiKinds.EsDni)]
    [InlineData("mijn BSN is 111222333", PiiKinds.NlBsn)]
    [InlineData("call +44 20 7946 0958 today", PiiKinds.Phone)]
    [InlineData("call +1 (415) 555-2671", PiiKinds.Phone)]
    [InlineData("tel +33 1 42 68 53 00", PiiKinds.Phone)]
    [InlineData("tel +4915112345678", PiiKinds.Phone)]
    [InlineData("office (415) 555-2671", PiiKinds.Phone)]
    [InlineData("cell 415-555-2671.", PiiKinds.Phone)]
    [InlineData("cell 415.555.2671", PiiKinds.Phone)]
    [InlineData("us 1-800-555-0199", PiiKinds.Phone)]
    [InlineData("london 020 7946 0958", PiiKinds.Phone)]
    [InlineData("mobiel 06-12345678", PiiKinds.Phone)]
    public void Scan_Positive_FindsKind(string text, PiiKinds kind)
    {
        var findings = Scan(text);

        Assert.Equal(kind, findings.Kinds);
        Assert.Equal(1, findings.Count(kind));
    }

    [Theory]
    [InlineData("card 4111 1111 1111 1112")] // Luhn fails
    [InlineData("order 1234567812345678")] // Luhn fails, no issuer
    [InlineData("id 9999999999999995")] // Luhn passes, no issuer (9)
    [InlineData("ISBN 978-3-16-148410-0")]
    [InlineData("DE89 3704 0044 0532 0130 01")] // mod 97 fails
    [InlineData("DE89 3704 0044 0532 0130")] // too short for DE
    [InlineData("XX89370400440532013000")] // no such country
    [InlineData("000-12-3456 666-12-3456 900-12-3456 123-00-6789 123-45-0000")] // SSN rules
    [InlineData("078-05-1120")] // the Woolworth wallet card number
    [InlineData("123456789")] // nine bare digits: not an SSN, not a BSN without context
    [InlineData("111222333 is my order")] // 11-check passes, but no "BSN" nearby
    [InlineData("BSN 111222334")] // 11-check fails
    [InlineData("GB123456A DA123456A AB123456E QQ123456C")] // NINO prefix and suffix rules
    [InlineData("12345678A")] // wrong DNI letter
    [InlineData("version 10.0.401 and 1.2.3.4567")]
    [InlineData("released 2023-01-15, 15/01/2023, 15.01.2023 or 2023.01.15")]
    [InlineData("server 192.168.100.200 port 8080")]
    [InlineData("order number 5551234567 and 0207946095812")] // bare digit strings
    [InlineData("+12")]
    [InlineData("(415) 055-2671 and 015-555-2671")] // area code and exchange rules
    [InlineData("user@localhost, @handle, foo@bar, x@1.2, a@b.c")]
    [InlineData("")]
    public void Scan_Negative_FindsNothing(string text)
    {
        var findings = Scan(text);

        Assert.Equal(PiiKinds.None, findings.Kinds);
        Assert.Equal("none", findings.Describe());
    }

    [Fact]
    public void Scan_Several_CountsEachAndDescribesWithoutTheData()
    {
        var findings = Scan("mail a@example.com or b@example.org, card 4111111111111111, phone +44 20 7946 0958");

        Assert.Equal(PiiKinds.Email | PiiKinds.PaymentCard | PiiKinds.Phone, findings.Kinds);
        Assert.Equal(2, findings.Count(PiiKinds.Email));
        var description = findings.Describe();
        Assert.Equal("email=2 phone=1 card=1", description);
        Assert.DoesNotContain("example", description, StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_ReplacesEachPieceWithItsKindAndKeepsTheRest()
    {
        var detector = PiiDetector.Create(new PiiConfig { Patterns = [new PiiPatternConfig("employee_id", "EMP-[0-9]{6}")] });

        var redacted = detector.Redact("Mail a@example.com, card 4111111111111111, IBAN GB82 WEST 1234 5698 7654 32, badge EMP-123456. Thanks!");

        Assert.Equal("Mail [EMAIL], card [CARD], IBAN [IBAN], badge [EMPLOYEE_ID]. Thanks!", redacted);
        Assert.Equal("Nothing personal here.", detector.Redact("Nothing personal here."));
    }

    [Fact]
    public void Create_DisabledKinds_AreNotReported()
    {
        var detector = PiiDetector.Create(new PiiConfig { Kinds = PiiKinds.Email });

        var findings = detector.Scan("a@example.com 4111111111111111 +44 20 7946 0958");

        Assert.Equal(PiiKinds.Email, findings.Kinds);
        Assert.Equal(PiiKinds.None, PiiDetector.Create(new PiiConfig { Enabled = false }).Scan("a@example.com").Kinds);
    }

    [Fact]
    public void Create_CustomPatterns_CountMatchesByName()
    {
        var detector = PiiDetector.Create(new PiiConfig
        {
            Kinds = PiiKinds.None,
            Patterns = [new PiiPatternConfig("employee_id", "EMP-[0-9]{6}"), new PiiPatternConfig("badge", "BADGE[0-9]+")],
        });

        var findings = detector.Scan("EMP-123456 and EMP-654321 but not emp-123456");

        Assert.Equal(PiiKinds.Custom, findings.Kinds);
        Assert.Equal(2, findings.Count(PiiKinds.Custom));
        Assert.Equal(["employee_id"], findings.CustomPatterns());
        Assert.Equal("custom:employee_id", findings.Describe());
    }

    [Fact]
    public void Scan_HostileInput_StaysLinear()
    {
        var detector = PiiDetector.Create(new PiiConfig { Patterns = [new PiiPatternConfig("evil", "(a+)+b")] });
        var hostile = string.Concat(Enumerable.Repeat("a.a@a", 100_000)) + new string('a', 200_000) + string.Concat(Enumerable.Repeat("1-", 100_000));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var findings = detector.Scan(hostile);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal(PiiKinds.None, findings.Kinds);
    }

    [Fact]
    public void Luhn_And_Mod97_KnownValues()
    {
        Assert.True(PiiDetector.Luhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3]));
        Assert.False(PiiDetector.Luhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 4]));
        Assert.Equal(1, PiiDetector.Mod97("GB82WEST12345698765432"));
        Assert.NotEqual(1, PiiDetector.Mod97("GB83WEST12345698765432"));
    }

    [Fact]
    public void Findings_Default_IsEmpty()
    {
        var findings = default(PiiFindings);

        Assert.False(findings.Any);
        Assert.Equal(0, findings.Count(PiiKinds.Email));
        Assert.Equal(0, findings.Count(PiiKinds.AllBuiltIn));
        Assert.Empty(findings.CustomPatterns());
        _ = ImmutableArray<string>.Empty;
    }
}
