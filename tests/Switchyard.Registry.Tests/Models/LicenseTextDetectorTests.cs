using Switchyard.Registry.Models;

namespace Switchyard.Registry.Tests.Models;

public class LicenseTextDetectorTests
{
    internal const string Apache = """

                                         Apache License
                                   Version 2.0, January 2004
                                http://www.apache.org/licenses/

           TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION

           1. Definitions.
        """;

    internal const string Mit = """
        MIT License

        Copyright (c) 2023 DeepSeek

        Permission is hereby granted, free of charge, to any person obtaining a copy
        of this software and associated documentation files (the "Software"), to deal
        in the Software without restriction, including without limitation the rights
        """;

    internal const string Llama31 = """
        LLAMA 3.1 COMMUNITY LICENSE AGREEMENT
        Llama 3.1 Version Release Date: July 23, 2024

        "Agreement" means the terms and conditions for use, reproduction, distribution and modification of the
        Llama Materials set forth herein.
        """;

    [Theory]
    [InlineData(Apache, "apache-2.0")]
    [InlineData(Mit, "mit")]
    [InlineData(Llama31, "llama3.1")]
    [InlineData("LLAMA 2 COMMUNITY LICENSE AGREEMENT\nLlama 2 Version Release Date: July 18, 2023", "llama2")]
    [InlineData("META LLAMA 3 COMMUNITY LICENSE AGREEMENT\nMeta Llama 3 Version Release Date: April 18, 2024", "llama3")]
    [InlineData("**LLAMA 3.2 COMMUNITY LICENSE AGREEMENT**\n\nLlama 3.2 Version Release Date: September 25, 2024", "llama3.2")]
    [InlineData("LLAMA 3.3 COMMUNITY LICENSE AGREEMENT\r\nLlama 3.3 Version Release Date: December 6, 2024", "llama3.3")]
    [InlineData("**LLAMA 4 COMMUNITY LICENSE AGREEMENT**\nLlama 4 Version Effective Date: April 5, 2025", "llama4")]
    [InlineData("Gemma Terms of Use\n\nLast modified: February 21, 2024\n\nBy using, reproducing, modifying, distributing", "gemma")]
    [InlineData("# Mistral AI Research License\n\nIf You want to use a Mistral Model, a Derivative or an Output for any purpose", "mrl")]
    [InlineData("Mistral AI Non-Production License\n\n1. Scope and acceptance", "mnpl")]
    [InlineData("DEEPSEEK LICENSE AGREEMENT\n\nVersion 1.0, 23 October 2023\n\nCopyright (c) 2023 DeepSeek", "deepseek")]
    [InlineData("Tongyi Qianwen LICENSE AGREEMENT\n\nTongyi Qianwen Release Date: August 3, 2023", "tongyi-qianwen")]
    [InlineData("Tongyi Qianwen RESEARCH LICENSE AGREEMENT\n\nTongyi Qianwen Release Date: November 30, 2023", "tongyi-qianwen-research")]
    [InlineData("Qwen LICENSE AGREEMENT\n\nQwen LICENSE AGREEMENT Release Date: September 19, 2024", "qwen")]
    [InlineData("Qwen RESEARCH LICENSE AGREEMENT\n\nQwen RESEARCH LICENSE AGREEMENT Release Date: September 19, 2024", "qwen-research")]
    [InlineData("Attribution-NonCommercial 4.0 International\n\n=======================================================================\n\nCreative Commons Corporation", "cc-by-nc-4.0")]
    [InlineData("Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International Public License", "cc-by-nc-sa-4.0")]
    [InlineData("Attribution 4.0 International\n\nCreative Commons Corporation (\"Creative Commons\") is not a law firm", "cc-by-4.0")]
    [InlineData("CreativeML Open RAIL-M\ndated August 22, 2022", "creativeml-openrail-m")]
    [InlineData("NVIDIA Open Model License Agreement\n\nLast Modified: October 24, 2025", "nvidia-open-model-license")]
    [InlineData("                    GNU GENERAL PUBLIC LICENSE\n                       Version 3, 29 June 2007", "gpl-3.0")]
    public void Detect_LicenceOpening_IsRecognised(string text, string expected)
    {
        Assert.Equal(expected, LicenseTextDetector.Detect(text));
    }

    [Fact]
    public void Detect_Bsd_TellsTwoFromThreeClauses()
    {
        const string Two = """
            Copyright (c) 2024, Example
            Redistribution and use in source and binary forms, with or without
            modification, are permitted provided that the following conditions are met:
            1. Redistributions of source code must retain the above copyright notice.
            2. Redistributions in binary form must reproduce the above copyright notice.
            """;
        const string Three = Two + "3. Neither the name of the copyright holder nor the names of its\n   contributors may be used to endorse";

        Assert.Equal("bsd-2-clause", LicenseTextDetector.Detect(Two));
        Assert.Equal("bsd-3-clause", LicenseTextDetector.Detect(Three));
    }

    [Fact]
    public void Detect_IsCaseAndWhitespaceTolerant()
    {
        Assert.Equal("apache-2.0", LicenseTextDetector.Detect("apache   LICENSE\r\n\t version\u00A02.0"));
        Assert.Equal("mit", LicenseTextDetector.Detect("PERMISSION IS HEREBY\nGRANTED, FREE OF\n\nCHARGE"));
        Assert.Equal("gemma", LicenseTextDetector.Detect("# GEMMA  TERMS\nOF USE"));
    }

    [Fact]
    public void Detect_EarliestSignatureWins()
    {
        // A Llama licence file that quotes an Apache notice further down is still the Llama licence.
        var text = Llama31 + "\n\nSome components are licensed under the Apache License, Version 2.0.";

        Assert.Equal("llama3.1", LicenseTextDetector.Detect(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("All rights reserved.")]
    [InlineData("This model may be used for anything you like.")]
    public void Detect_UnknownText_IsNull(string text)
    {
        Assert.Null(LicenseTextDetector.Detect(text));
    }
}
