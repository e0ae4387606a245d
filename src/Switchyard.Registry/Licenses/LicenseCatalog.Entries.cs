namespace Switchyard.Registry.Licenses;

public sealed partial class LicenseCatalog
{
    private const string HubIdList = "hub-docs@242f4a1:docs/hub/repositories-licenses.md (Hub licence ids)";
    private const string NotInTable =
        "Not in the policy table (governance 4.2) nor classified by 4.3: the class and terms are the catalog's reading; legal confirms them.";
    private const string Llama = "llama-models@a9c89c4:models/";
    private const long LlamaMau = 700_000_000;
    private const long QwenMau = 100_000_000;

    private static IEnumerable<LicenseTerms> BuiltInTerms()
    {
        // ── Permissive (4.3) ──
        yield return new LicenseTerms
        {
            Id = "apache-2.0", Name = "Apache License 2.0", Class = LicenseClass.Permissive, CommercialUse = true,
            NoticeRequirement = "Apache-2.0 §4: give recipients a copy of the licence, keep the attribution notices of the NOTICE file, and mark modified files as changed.",
            Source = HubIdList + "; policy table rows Gemma 4, Qwen2/2.5/3, Mistral, OLMo, Granite, Falcon-7B/40B",
            Aliases = ["Apache-2.0", "apache", "apache2", "apache 2.0", "Apache License, Version 2.0", "ASL 2.0"],
        };
        yield return new LicenseTerms
        {
            Id = "mit", Name = "MIT License", Class = LicenseClass.Permissive, CommercialUse = true,
            NoticeRequirement = "MIT: include the copyright notice and the permission notice in all copies or substantial portions.",
            Source = HubIdList + "; policy table rows DeepSeek-R1 (DeepSeek-R1@0cf7856:README.md §7), DeepSeek-V3-0324",
            Aliases = ["MIT", "expat"],
        };
        yield return Bsd("bsd-2-clause", "BSD 2-Clause License", ["BSD-2-Clause", "simplified bsd", "freebsd"],
            "BSD-2-Clause: keep the copyright notice, the conditions and the disclaimer in source and binary distributions.");
        yield return Bsd("bsd-3-clause", "BSD 3-Clause License", ["BSD-3-Clause", "new bsd", "modified bsd", "revised bsd"],
            "BSD-3-Clause: keep the copyright notice, the conditions and the disclaimer; do not use the contributors' names to endorse derived products.");
        yield return Bsd("bsd-3-clause-clear", "BSD 3-Clause Clear License", ["BSD-3-Clause-Clear"],
            "BSD-3-Clause-Clear: as BSD-3-Clause; it grants no patent rights.");
        yield return Bsd("bsd", "BSD License", ["bsd-license"],
            "BSD: keep the copyright notice, the conditions and the disclaimer (which BSD variant: see the LICENSE file).");

        // ── Llama (policy table rows Llama 2 to Llama 4) ──
        yield return new LicenseTerms
        {
            Id = "llama2", Name = "Llama 2 Community License", Class = LicenseClass.CommunityCommercial, CommercialUse = true, Licensor = "Meta",
            MonthlyActiveUserThreshold = LlamaMau, ThresholdEffect = ThresholdEffect.SeparateLicenseRequired,
            ThresholdNote = "counted on the Llama 2 release date; the profile's current figure stands in for it",
            NoticeText = "Llama 2 is licensed under the LLAMA 2 Community License, Copyright (c) Meta Platforms, Inc. All Rights Reserved.",
            NoticeRequirement = "Distribute a \"Notice\" text file with the Llama Materials",
            RequiresLicenseCopy = true,
            AcceptableUsePolicyUrl = "https://ai.meta.com/llama/use-policy",
            OutputUse = OutputUse.MayNotImproveOtherModels,
            Source = Llama + "llama2/LICENSE",
            Aliases = ["llama-2", "Llama 2 Community License Agreement", "llama2-community-license"],
        };
        yield return new LicenseTerms
        {
            Id = "llama3", Name = "Meta Llama 3 Community License", Class = LicenseClass.CommunityCommercial, CommercialUse = true, Licensor = "Meta",
            MonthlyActiveUserThreshold = LlamaMau, ThresholdEffect = ThresholdEffect.SeparateLicenseRequired,
            NoticeText = "Meta Llama 3 is licensed under the Meta Llama 3 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.",
            NoticeRequirement = "Distribute a \"Notice\" text file with the Llama Materials",
            RequiresLicenseCopy = true,
            DisplayRequirement = "Built with Meta Llama 3",
            DerivativeNamePrefix = "Llama 3",
            AcceptableUsePolicyUrl = "https://llama.meta.com/llama3/use-policy",
            OutputUse = OutputUse.MayNotImproveOtherModels,
            Source = Llama + "llama3/LICENSE (Apr 18 2024)",
            Aliases = ["llama-3", "Meta Llama 3 Community License Agreement", "llama3-community-license", "meta-llama-3"],
        };
        yield return LlamaCommunity("llama3.1", "3.1", "llama3_1/LICENSE (Jul 23 2024)", "https://llama.meta.com/llama3_1/use-policy", eu: false, always: false);
        yield return LlamaCommunity("llama3.2", "3.2", "llama3_2/{LICENSE,USE_POLICY.md} (Sep 25 2024)", "https://www.llama.com/llama3_2/use-policy", eu: true, always: false);
        yield return LlamaCommunity("llama3.3", "3.3", "llama3_3/LICENSE (Dec 6 2024)", "https://www.llama.com/llama3_3/use-policy", eu: false, always: false);
        yield return LlamaCommunity("llama4", "4", "llama4/{LICENSE,USE_POLICY.md} (Apr 5 2025)", "https://www.llama.com/llama4/use-policy", eu: true, always: true);

        // ── Gemma 1-3 ──
        yield return new LicenseTerms
        {
            Id = "gemma", Name = "Gemma Terms of Use", Class = LicenseClass.CommunityCommercial, CommercialUse = true, Licensor = "Google",
            NoticeText = "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms",
            NoticeRequirement = "§3.1: give recipients a copy of the Gemma Terms of Use, mark modified files, and include the Notice",
            RequiresLicenseCopy = true,
            AcceptableUsePolicyUrl = "https://ai.google.dev/gemma/prohibited_use_policy",
            OutputUse = OutputUse.DerivativesInheritLicense,
            FlowDownRequired = true,
            FlowDownText = "§3.1: include the §3.2 use restrictions (the Prohibited Use Policy) as an enforceable provision of the terms under which you let others use or distribute Gemma or its Model Derivatives.",
            RemoteRevocation = true,
            Source = "ai.google.dev/gemma/terms (copies: code index id 62468205589; HF stabilityai/…/LICENSE_GEMMA.md, \"Last modified: April 1, 2026\")",
            Aliases = ["gemma-terms-of-use", "gemma-license", "gemma-terms"],
        };

        // ── Qwen ──
        yield return new LicenseTerms
        {
            Id = "tongyi-qianwen", Name = "Tongyi Qianwen License Agreement", Class = LicenseClass.CommunityCommercial, CommercialUse = true, Licensor = "Alibaba Cloud",
            MonthlyActiveUserThreshold = QwenMau, ThresholdEffect = ThresholdEffect.SeparateLicenseRequired,
            RequiresLicenseCopy = true,
            Source = "HF cards (e.g. Qwen/Qwen2-72B-Instruct YAML): Qwen-7B/14B/72B, Qwen1.5, Qwen2-72B",
            Aliases = ["tongyi-qianwen-license-agreement", "tongyi-qianwen-license", "qianwen", "tongyi qianwen"],
        };
        yield return new LicenseTerms
        {
            Id = "tongyi-qianwen-research", Name = "Tongyi Qianwen Research License Agreement", Class = LicenseClass.NonCommercial, Licensor = "Alibaba Cloud",
            PermittedUse = "research use only",
            RequiresLicenseCopy = true,
            Source = "QwenLM/Qwen README (Qwen-1.8B)",
            Aliases = ["tongyi-qianwen-research-license-agreement", "tongyi-qianwen-research-license"],
        };
        yield return new LicenseTerms
        {
            Id = "qwen-research", Name = "Qwen Research License Agreement", Class = LicenseClass.NonCommercial, Licensor = "Alibaba Cloud",
            PermittedUse = "research and evaluation use only",
            RequiresLicenseCopy = true,
            Source = "Qwen/Qwen2.5-3B-Instruct/LICENSE",
            Aliases = ["qwen-research-license", "qwen-research-license-agreement"],
        };
        yield return new LicenseTerms
        {
            Id = "qwen", Name = "Qwen License Agreement", Class = LicenseClass.CommunityCommercial, CommercialUse = true, Licensor = "Alibaba Cloud",
            MonthlyActiveUserThreshold = QwenMau, ThresholdEffect = ThresholdEffect.SeparateLicenseRequired,
            ThresholdNote = "§4",
            RequiresLicenseCopy = true,
            DisplayRequirement = "\"Built with Qwen\" or \"Improved using Qwen\"", // §5.b
            DisplayOnlyForTrainedModels = true,
            OutputUse = OutputUse.TrainedModelsMustAttribute,
            AdditionalObligations = [new LicenseObligation(LicenseCodes.ExportControl, "qwen", "§5.a: comply with the export control laws that apply to the Materials.")],
            Source = "Qwen/Qwen2.5-72B-Instruct/LICENSE (verbatim quotes in code index id 59617042167)",
            Aliases = ["qwen-license", "qwen-license-agreement"],
        };

        // ── Mistral ──
        yield return new LicenseTerms
        {
            Id = "mrl", Name = "Mistral AI Research License", Class = LicenseClass.NonCommercial, Licensor = "Mistral AI",
            // MRL-0.1 defines "Research Purposes" as personal, scientific or academic and non-commercial; it excludes employees'
            // daily tasks, proofs of concept meant to earn revenue, and hosted or SaaS distribution.
            PermittedUse = "research use only",
            NoticeText = "Licensed by Mistral AI under the Mistral AI Research License",
            NoticeRequirement = "Give the notice with every copy and mark modifications",
            RequiresLicenseCopy = true,
            OutputUse = OutputUse.ResearchOnly,
            AdditionalObligations = [new LicenseObligation(LicenseCodes.DerivativeNaming, "mrl", "Do not present a derivative as an official Mistral AI model.")],
            Source = "mistral.ai/licenses/MRL-0.1.md (full text in the bartowski/Ministral-8B-Instruct-2410-GGUF card, code index id 31681155792)",
            Aliases = ["MRL-0.1", "mistral-research-license", "mistral-ai-research-license", "mrl-license"],
        };
        yield return new LicenseTerms
        {
            Id = "mnpl", Name = "Mistral AI Non-Production License", Class = LicenseClass.NonCommercial, Licensor = "Mistral AI",
            PermittedUse = "non-production use only (testing, research, personal)",
            Source = "mistral.ai/licenses/MNPL-0.1.md (Codestral 22B v0.1)",
            Aliases = ["MNPL-0.1", "mistral-non-production-license", "mistral-ai-non-production-license"],
        };

        // ── DeepSeek ──
        yield return new LicenseTerms
        {
            Id = "deepseek", Name = "DeepSeek License Agreement", Class = LicenseClass.CommunityCommercial, CommercialUse = true, Licensor = "DeepSeek",
            RequiresLicenseCopy = true,
            OutputUse = OutputUse.DerivativesInheritLicense,
            FlowDownRequired = true,
            FlowDownText = "§5: pass the Attachment A use restrictions (among them \"for military use in any way\") on to every derivative and user as enforceable provisions.",
            Source = "DeepSeek-V3@9b4e978:LICENSE-MODEL (\"DEEPSEEK LICENSE AGREEMENT Version 1.0, 23 October 2023\")",
            Aliases = ["deepseek-license", "deepseek-license-agreement", "deepseek-model-license", "DeepSeek License Agreement Version 1.0"],
        };

        // ── Falcon ──
        yield return new LicenseTerms
        {
            Id = "falcon-llm-license", Name = "TII Falcon License 2.0", Class = LicenseClass.CommunityCommercial, CommercialUse = true, Licensor = "TII",
            AcceptableUsePolicyUrl = "https://falconllm.tii.ae/falcon-terms-and-conditions.html",
            Source = "HF cards (tiiuae/Falcon3-*, Falcon-H1-*) → falconllm.tii.ae/falcon-terms-and-conditions.html",
            NeedsLegalVerification = true,
            VerificationNote = "The policy table marks this row verify: TII Falcon License 2.0 is Apache-based plus an acceptable use policy.",
            Aliases = ["falcon-license", "tii-falcon-license", "tii-falcon-license-2.0", "falcon-llm", "falcon-terms-and-conditions"],
        };
        yield return new LicenseTerms
        {
            Id = "falcon-180b-license", Name = "Falcon-180B TII License", Class = LicenseClass.CommunityCommercial, CommercialUse = true, Licensor = "TII",
            AcceptableUsePolicyUrl = "https://huggingface.co/spaces/tiiuae/falcon-180b-license/blob/main/ACCEPTABLE_USE_POLICY.txt",
            Source = "tiiuae/falcon-180B-chat card YAML (license: unknown, gated prompt \"Falcon-180B TII license and acceptable use policy\")",
            NeedsLegalVerification = true,
            VerificationNote = "The policy table marks this row verify: commercial use is allowed but hosting use is restricted; check LICENSE.txt in the tiiuae/falcon-180b-license space.",
            Aliases = ["falcon-180b", "falcon-180b-tii-license", "Falcon-180B TII License and Acceptable Use Policy"],
        };

        // ── Kimi K2 (modified MIT) ──
        yield return new LicenseTerms
        {
            Id = "kimi-modified-mit", Name = "Kimi K2 Modified MIT License", Class = LicenseClass.CommunityCommercial, CommercialUse = true, Licensor = "Moonshot AI",
            MonthlyActiveUserThreshold = QwenMau, MonthlyRevenueThresholdUsd = 20_000_000m, ThresholdEffect = ThresholdEffect.AddsObligation,
            ThresholdObligation = "Display \"Kimi K2\" prominently in the user interface of the product or service.",
            NoticeRequirement = "MIT: include the copyright notice and the permission notice in all copies or substantial portions.",
            Source = "simonwillison.net quote of moonshotai/Kimi-K2/LICENSE",
            // COMPAT: "modified-mit" is the license_name of the Kimi K2 card; another vendor's "modified MIT" would need its own row.
            Aliases = ["kimi", "kimi-license", "kimi-k2", "kimi-k2-license", "modified-mit", "modified-mit-license"],
        };

        // ── Creative Commons (cc-by-nc-* are non-commercial by 4.3; the others are outside its classes) ──
        foreach (var version in (string[])["2.0", "2.5", "3.0", "4.0"])
        {
            yield return CreativeCommons("cc-by", version, "Attribution", LicenseClass.Permissive, verify: true);
        }

        foreach (var version in (string[])["3.0", "4.0"])
        {
            yield return CreativeCommons("cc-by-sa", version, "Attribution-ShareAlike", LicenseClass.CommunityCommercial, verify: true);
        }

        foreach (var version in (string[])["2.0", "3.0", "4.0"])
        {
            yield return CreativeCommons("cc-by-nc", version, "Attribution-NonCommercial", LicenseClass.NonCommercial, verify: false);
        }

        foreach (var version in (string[])["2.0", "3.0", "4.0"])
        {
            yield return CreativeCommons("cc-by-nc-sa", version, "Attribution-NonCommercial-ShareAlike", LicenseClass.NonCommercial, verify: false);
        }

        foreach (var version in (string[])["3.0", "4.0"])
        {
            yield return CreativeCommons("cc-by-nc-nd", version, "Attribution-NonCommercial-NoDerivatives", LicenseClass.NonCommercial, verify: false);
        }

        yield return new LicenseTerms
        {
            Id = "cc0-1.0", Name = "Creative Commons Zero v1.0 Universal", Class = LicenseClass.Permissive, CommercialUse = true,
            Source = HubIdList, NeedsLegalVerification = true, VerificationNote = NotInTable, Aliases = ["CC0-1.0", "cc0"],
        };

        // ── Research-only licences on the Hub's list ──
        yield return Research("fair-noncommercial-research-license", "FAIR Noncommercial Research License",
            "non-commercial research use only", verify: false, ["fair-nc", "fair-noncommercial-research"]);
        yield return Research("apple-amlr", "Apple Machine Learning Research Model License", "non-commercial research use only", verify: true, ["apple-ml-research"]);
        yield return Research("intel-research", "Intel Research Use License", "research use only", verify: true, ["intel-research-use-license"]);
        yield return Research("h-research", "H Company Research License", "research use only", verify: true, ["h-research-license"]);
        yield return Research("deepfloyd-if-license", "DeepFloyd IF License Agreement", "non-commercial research use only", verify: true, ["deepfloyd-if"]);

        // ── OpenRAIL family: commercial use with use-based restrictions that must be passed on ──
        yield return OpenRail("openrail", "Open RAIL License", []);
        yield return OpenRail("openrail++", "Open RAIL++-M License", ["openrail++-m"]);
        yield return OpenRail("bigscience-openrail-m", "BigScience OpenRAIL-M License", []);
        yield return OpenRail("bigcode-openrail-m", "BigCode OpenRAIL-M License", []);
        yield return OpenRail("creativeml-openrail-m", "CreativeML OpenRAIL-M License", []);

        // ── Others on the Hub's list ──
        yield return new LicenseTerms
        {
            Id = "openmdw-1.0", Name = "OpenMDW License 1.0", Class = LicenseClass.Permissive, CommercialUse = true,
            NoticeRequirement = "OpenMDW: keep the licence and its notices with the model materials.",
            Source = HubIdList, NeedsLegalVerification = true, VerificationNote = NotInTable, Aliases = ["OpenMDW-1.0"],
        };
        yield return new LicenseTerms
        {
            Id = "openmdw-1.1", Name = "OpenMDW License 1.1", Class = LicenseClass.Permissive, CommercialUse = true,
            NoticeRequirement = "OpenMDW: keep the licence and its notices with the model materials.",
            Source = HubIdList, NeedsLegalVerification = true, VerificationNote = NotInTable, Aliases = ["OpenMDW-1.1"],
        };
        yield return new LicenseTerms
        {
            Id = "grok2-community", Name = "Grok 2 Community License", Class = LicenseClass.CommunityCommercial, CommercialUse = true,
            OutputUse = OutputUse.NotRecorded,
            RequiresLicenseCopy = true,
            Source = HubIdList, NeedsLegalVerification = true, VerificationNote = NotInTable + " Its thresholds and output terms are not recorded.",
            Aliases = ["grok-2-community-license", "grok2-community-license"],
        };
    }

    private static LicenseTerms LlamaCommunity(string id, string version, string source, string aup, bool eu, bool always) => new()
    {
        Id = id,
        Name = $"Llama {version} Community License",
        Licensor = "Meta",
        Class = LicenseClass.CommunityCommercial,
        CommercialUse = true,
        MonthlyActiveUserThreshold = LlamaMau,
        ThresholdEffect = ThresholdEffect.SeparateLicenseRequired,
        ThresholdNote = "affiliates included",
        NoticeText = $"Llama {version} is licensed under the Llama {version} Community License, Copyright © Meta Platforms, Inc. All Rights Reserved.",
        NoticeRequirement = "Distribute a \"Notice\" text file with the Llama Materials",
        RequiresLicenseCopy = true,
        DisplayRequirement = "Built with Llama",
        DerivativeNamePrefix = "Llama",
        AcceptableUsePolicyUrl = aup,
        OutputUse = OutputUse.TrainedModelsMustAttribute,
        RestrictedRegions = eu ? ["EU"] : [],
        RegionRestrictionOnlyMultimodal = eu,
        AlwaysMultimodal = always,
        Source = Llama + source,
        Aliases =
        [
            $"llama-{version}", $"llama{version.Replace('.', '_')}", $"Llama {version} Community License Agreement",
            $"llama{version}-community-license", $"meta-llama-{version}",
        ],
    };

    private static LicenseTerms Bsd(string id, string name, IReadOnlyList<string> aliases, string notice) => new()
    {
        Id = id,
        Name = name,
        Class = LicenseClass.Permissive,
        CommercialUse = true,
        NoticeRequirement = notice,
        Source = HubIdList + "; governance 4.3 (bsd-* permissive)",
        Aliases = aliases,
    };

    private static LicenseTerms CreativeCommons(string id, string version, string kind, LicenseClass licenseClass, bool verify)
    {
        var fullId = $"{id}-{version}";
        var nonCommercial = licenseClass == LicenseClass.NonCommercial;
        var shareAlike = id.EndsWith("-sa", StringComparison.Ordinal);
        var noDerivatives = id.EndsWith("-nd", StringComparison.Ordinal);
        return new LicenseTerms
        {
            Id = fullId,
            Name = $"Creative Commons {kind} {version}",
            Class = licenseClass,
            CommercialUse = !nonCommercial,
            PermittedUse = nonCommercial ? "non-commercial use only" : null,
            NoticeRequirement = "CC BY: credit the creator, link the licence, and indicate changes"
                + (noDerivatives ? "; do not share adapted versions" : "") + ".",
            FlowDownRequired = shareAlike,
            FlowDownText = shareAlike ? "ShareAlike: distribute adaptations under the same licence." : null,
            OutputUse = verify ? OutputUse.NotRecorded : OutputUse.Unrestricted,
            Source = fullId == "cc-by-nc-4.0" ? HubIdList + "; policy table row CC-BY-NC-4.0 models (e.g. Cohere Command R)" : HubIdList,
            NeedsLegalVerification = verify,
            VerificationNote = verify ? NotInTable : null,
            Aliases = [$"{id.ToUpperInvariant()}-{version}", $"creative commons {kind} {version} international"],
        };
    }

    private static LicenseTerms Research(string id, string name, string permitted, bool verify, IReadOnlyList<string> aliases) => new()
    {
        Id = id,
        Name = name,
        Class = LicenseClass.NonCommercial,
        PermittedUse = permitted,
        RequiresLicenseCopy = true,
        OutputUse = verify ? OutputUse.NotRecorded : OutputUse.Unrestricted,
        Source = verify ? HubIdList : HubIdList + "; governance 4.3 (non-commercial)",
        NeedsLegalVerification = verify,
        VerificationNote = verify ? NotInTable : null,
        Aliases = aliases,
    };

    private static LicenseTerms OpenRail(string id, string name, IReadOnlyList<string> aliases) => new()
    {
        Id = id,
        Name = name,
        Class = LicenseClass.CommunityCommercial,
        CommercialUse = true,
        RequiresLicenseCopy = true,
        FlowDownRequired = true,
        FlowDownText = "OpenRAIL: include the licence's use-based restrictions as an enforceable provision of any agreement under which the model or a derivative is used or distributed.",
        OutputUse = OutputUse.NotRecorded,
        Source = HubIdList,
        NeedsLegalVerification = true,
        VerificationNote = NotInTable,
        Aliases = aliases,
    };

    private static IEnumerable<ModelLicenseRule> BuiltInModels()
    {
        const string Cards = "HF cards";
        const string R1 = "DeepSeek-R1@0cf7856:README.md §7";

        // First match wins: the narrow rows (Gemma 4, Qwen2.5-3B, Qwen-1.8B...) come before their family.
        (string Pattern, string License, string Source)[] rows =
        [
            ("meta-llama/Llama-2-*", "llama2", Llama + "llama2/LICENSE"),
            ("meta-llama/Meta-Llama-3-*", "llama3", Llama + "llama3/LICENSE"),
            ("meta-llama/Llama-3.1-*", "llama3.1", Llama + "llama3_1/LICENSE"),
            ("meta-llama/Meta-Llama-3.1-*", "llama3.1", Llama + "llama3_1/LICENSE"),
            ("meta-llama/Llama-3.2-*", "llama3.2", Llama + "llama3_2/LICENSE"),
            ("meta-llama/Llama-3.3-*", "llama3.3", Llama + "llama3_3/LICENSE"),
            ("meta-llama/Llama-4-*", "llama4", Llama + "llama4/LICENSE"),
            ("google/gemma-*", "gemma", "ai.google.dev/gemma/terms"),
            ("Qwen/Qwen-1_8B", "tongyi-qianwen-research", "QwenLM/Qwen README"),
            ("Qwen/Qwen-1_8B-*", "tongyi-qianwen-research", "QwenLM/Qwen README"),
            ("Qwen/Qwen-7B*", "tongyi-qianwen", Cards),
            ("Qwen/Qwen-14B*", "tongyi-qianwen", Cards),
            ("Qwen/Qwen-72B*", "tongyi-qianwen", Cards),
            ("Qwen/Qwen1.5-*", "tongyi-qianwen", Cards),
            ("Qwen/Qwen2-72B", "tongyi-qianwen", "Qwen/Qwen2-72B-Instruct YAML"),
            ("Qwen/Qwen2-72B-*", "tongyi-qianwen", "Qwen/Qwen2-72B-Instruct YAML"),
            ("Qwen/Qwen2.5-3B", "qwen-research", "Qwen/Qwen2.5-3B-Instruct/LICENSE"),
            ("Qwen/Qwen2.5-3B-*", "qwen-research", "Qwen/Qwen2.5-3B-Instruct/LICENSE"),
            ("Qwen/Qwen2.5-72B", "qwen", "Qwen/Qwen2.5-72B-Instruct/LICENSE"),
            ("Qwen/Qwen2.5-72B-*", "qwen", "Qwen/Qwen2.5-72B-Instruct/LICENSE"),
            ("Qwen/Qwen2-0.5B*", "apache-2.0", Cards),
            ("Qwen/Qwen2-1.5B*", "apache-2.0", Cards),
            ("Qwen/Qwen2-7B*", "apache-2.0", Cards),
            ("Qwen/Qwen2.5-0.5B*", "apache-2.0", Cards),
            ("Qwen/Qwen2.5-1.5B*", "apache-2.0", Cards),
            ("Qwen/Qwen2.5-7B*", "apache-2.0", Cards),
            ("Qwen/Qwen2.5-14B*", "apache-2.0", Cards),
            ("Qwen/Qwen2.5-32B*", "apache-2.0", Cards),
            ("Qwen/Qwen3-*", "apache-2.0", Cards),
            ("Qwen/QwQ-32B*", "apache-2.0", Cards),
            ("mistralai/Mistral-7B-*", "apache-2.0", Cards),
            ("mistralai/Mixtral-8x7B-*", "apache-2.0", Cards),
            ("mistralai/Mixtral-8x22B-*", "apache-2.0", Cards),
            ("mistralai/Mistral-Nemo-*", "apache-2.0", Cards),
            ("mistralai/Pixtral-12B-*", "apache-2.0", Cards),
            ("mistralai/Mistral-Small-24B-*", "apache-2.0", Cards),
            ("mistralai/Mistral-Small-3*-24B-*", "apache-2.0", Cards),
            ("mistralai/Magistral-Small-*", "apache-2.0", Cards),
            ("mistralai/Devstral-Small-*", "apache-2.0", Cards),
            ("mistralai/Mistral-Large-Instruct-2407", "mrl", "mistral.ai/licenses/MRL-0.1.md"),
            ("mistralai/Mistral-Small-Instruct-2409", "mrl", "mistral.ai/licenses/MRL-0.1.md"),
            ("mistralai/Ministral-8B-Instruct-2410", "mrl", "mistral.ai/licenses/MRL-0.1.md"),
            ("mistralai/Codestral-22B-v0.1", "mnpl", "mistral.ai/licenses/MNPL-0.1.md"),
            ("deepseek-ai/deepseek-llm-*", "deepseek", "DeepSeek-V3@9b4e978:LICENSE-MODEL"),
            ("deepseek-ai/deepseek-coder-*", "deepseek", "DeepSeek-V3@9b4e978:LICENSE-MODEL"),
            ("deepseek-ai/deepseek-moe-*", "deepseek", "DeepSeek-V3@9b4e978:LICENSE-MODEL"),
            ("deepseek-ai/DeepSeek-V2*", "deepseek", "DeepSeek-V3@9b4e978:LICENSE-MODEL"),
            ("deepseek-ai/DeepSeek-V3", "deepseek", "DeepSeek-V3@9b4e978:LICENSE-MODEL"),
            ("deepseek-ai/DeepSeek-V3-Base", "deepseek", "DeepSeek-V3@9b4e978:LICENSE-MODEL"),
            ("deepseek-ai/DeepSeek-R1", "mit", R1),
            ("deepseek-ai/DeepSeek-R1-Zero", "mit", R1),
            ("allenai/OLMo-*", "apache-2.0", "HF cards (allenai/OLMo-2-*)"),
            ("ibm-granite/granite-*", "apache-2.0", "HF cards (ibm-granite/*)"),
            ("tiiuae/falcon-7b*", "apache-2.0", Cards),
            ("tiiuae/falcon-40b*", "apache-2.0", Cards),
            ("tiiuae/falcon-180B*", "falcon-180b-license", "tiiuae/falcon-180B-chat card YAML"),
            ("tiiuae/falcon-11B*", "falcon-llm-license", "HF cards (Falcon 2)"),
            ("tiiuae/Falcon3-*", "falcon-llm-license", "HF cards (tiiuae/Falcon3-*)"),
            ("tiiuae/Falcon-H1-*", "falcon-llm-license", "HF cards (tiiuae/Falcon-H1-*)"),
            ("tiiuae/falcon-mamba-*", "falcon-llm-license", Cards),
            ("CohereForAI/c4ai-command-r*", "cc-by-nc-4.0", "HF id list (Cohere Command R)"),
            ("CohereLabs/c4ai-command-r*", "cc-by-nc-4.0", "HF id list (Cohere Command R)"),
            ("moonshotai/Kimi-K2*", "kimi-modified-mit", "moonshotai/Kimi-K2/LICENSE"),
        ];

        // The "verify" model rows come first: they are narrower than the family rows they sit in.
        yield return new ModelLicenseRule("google/gemma-4*", "apache-2.0", "Gemma terms page: \"For Gemma 4 terms, see … ai.google.dev/gemma/apache_2\"")
        {
            NeedsLegalVerification = true,
            VerificationNote = "The policy table marks Gemma 4 verify: Apache-2.0 is reported by the Gemma terms page; confirm it on the card.",
        };
        yield return new ModelLicenseRule("deepseek-ai/DeepSeek-V3-0324", "mit", "secondary: ai-tldr.dev, bearplex.com")
        {
            NeedsLegalVerification = true,
            VerificationNote = "The policy table marks DeepSeek-V3-0324 and later V3.x verify: MIT is reported by secondary sources; confirm it on the card.",
        };
        yield return new ModelLicenseRule("deepseek-ai/DeepSeek-V3.*", "mit", "secondary: ai-tldr.dev, bearplex.com")
        {
            NeedsLegalVerification = true,
            VerificationNote = "The policy table marks DeepSeek-V3-0324 and later V3.x verify: MIT is reported by secondary sources; confirm it on the card.",
        };

        foreach (var (pattern, license, source) in rows)
        {
            yield return new ModelLicenseRule(pattern, license, source);
        }
    }
}
