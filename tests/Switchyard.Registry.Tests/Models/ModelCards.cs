namespace Switchyard.Registry.Tests.Models;

/// <summary>Model card front matter modelled on real Hub cards (trimmed bodies, same keys and shapes).</summary>
internal static class ModelCards
{
    /// <summary>meta-llama/Llama-3.1-8B-Instruct: llama3.1, gated by a licence prompt and a form.</summary>
    public const string Llama31Instruct = """
        ---
        language:
        - en
        - de
        - fr
        - it
        - pt
        - hi
        - es
        - th
        license: llama3.1
        base_model: meta-llama/Meta-Llama-3.1-8B
        pipeline_tag: text-generation
        tags:
        - facebook
        - meta
        - pytorch
        - llama
        - llama-3
        extra_gated_prompt: "### LLAMA 3.1 COMMUNITY LICENSE AGREEMENT\nLlama 3.1 Version\
          \ Release Date: July 23, 2024\n\"Agreement\" means the terms and conditions for\
          \ use, reproduction, distribution and modification of the Llama Materials set forth\
          \ herein."
        extra_gated_fields:
          First Name: text
          Last Name: text
          Date of birth: date_picker
          Country: country
          Affiliation: text
          Job title:
            type: select
            options:
            - Student
            - Research Graduate
            - AI researcher
            - Other
          geo: ip_location
          By clicking Submit below I accept the terms of the license and acknowledge that the information I provide will be collected stored processed and shared in accordance with the Meta Privacy Policy: checkbox
        extra_gated_description: >-
          The information you provide will be collected, stored, processed and shared in
          accordance with the [Meta Privacy Policy](https://www.facebook.com/privacy/policy/).
        extra_gated_button_content: Submit
        ---

        ## Model Information

        The Meta Llama 3.1 collection of multilingual large language models (LLMs) is a collection of pretrained and instruction tuned generative models in 8B, 70B and 405B sizes.
        """;

    /// <summary>bartowski/Mistral-Large-Instruct-2411-GGUF: a custom licence (other + mrl).</summary>
    public const string BartowskiMistralLarge = """
        ---
        quantized_by: bartowski
        pipeline_tag: text-generation
        license_link: https://mistral.ai/licenses/MRL-0.1.md
        license_name: mrl
        tags:
        - chat
        base_model: mistralai/Mistral-Large-Instruct-2411
        license: other
        language:
        - en
        - fr
        - de
        - es
        - it
        - pt
        - zh
        - ja
        - ru
        - ko
        ---

        ## Llamacpp imatrix Quantizations of Mistral-Large-Instruct-2411

        Using <a href="https://github.com/ggerganov/llama.cpp/">llama.cpp</a> release <a href="https://github.com/ggerganov/llama.cpp/releases/tag/b4132">b4132</a> for quantization.
        """;

    /// <summary>bartowski/Qwen2-72B-Instruct-GGUF: other + tongyi-qianwen, link to the base model's LICENSE.</summary>
    public const string BartowskiQwen2 = """
        ---
        language:
        - en
        license: other
        license_name: tongyi-qianwen
        license_link: https://huggingface.co/Qwen/Qwen2-72B-Instruct/blob/main/LICENSE
        base_model: Qwen/Qwen2-72B-Instruct
        pipeline_tag: text-generation
        tags:
        - chat
        quantized_by: bartowski
        ---

        ## Llamacpp imatrix Quantizations of Qwen2-72B-Instruct
        """;

    /// <summary>Qwen/Qwen2.5-7B-Instruct: apache-2.0 with a link to the repository's LICENSE.</summary>
    public const string Qwen25Instruct = """
        ---
        license: apache-2.0
        license_link: https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/blob/main/LICENSE
        language:
        - en
        pipeline_tag: text-generation
        base_model: Qwen/Qwen2.5-7B
        tags:
        - chat
        library_name: transformers
        ---

        # Qwen2.5-7B-Instruct
        """;

    /// <summary>A PEFT LoRA adapter card as <c>peft</c> writes it, with the relation given.</summary>
    public const string LoraAdapter = """
        ---
        base_model: meta-llama/Llama-3.1-8B-Instruct
        library_name: peft
        license: llama3.1
        base_model_relation: adapter
        tags:
        - base_model:adapter:meta-llama/Llama-3.1-8B-Instruct
        - lora
        - transformers
        pipeline_tag: text-generation
        ---

        # Model Card for support-bot-lora

        <!-- Provide a quick summary of what the model is/does. -->
        """;

    /// <summary>deepseek-ai/DeepSeek-R1-Distill-Llama-8B: mit, nothing else but the library.</summary>
    public const string DeepSeekR1Distill = """
        ---
        license: mit
        library_name: transformers
        ---
        # DeepSeek-R1
        <!-- markdownlint-disable first-line-h1 -->
        """;

    /// <summary>google/gemma-2-9b-it: gemma, gated with a heading, prompt and button.</summary>
    public const string Gemma2It = """
        ---
        license: gemma
        library_name: transformers
        pipeline_tag: text-generation
        extra_gated_heading: Access Gemma on Hugging Face
        extra_gated_prompt: >-
          To access Gemma on Hugging Face, you’re required to review and agree to
          Google’s usage license. To do this, please ensure you’re logged in to Hugging
          Face and click below. Requests are processed immediately.
        extra_gated_button_content: Acknowledge license
        tags:
        - conversational
        base_model: google/gemma-2-9b
        ---

        # Gemma 2 model card
        """;

    /// <summary>A mergekit merge: base_model as a list.</summary>
    public const string Merge = """
        ---
        base_model:
        - mistralai/Mistral-7B-v0.1
        - HuggingFaceH4/zephyr-7b-beta
        library_name: transformers
        tags:
        - mergekit
        - merge
        license: apache-2.0
        ---
        # merged

        This is a merge of pre-trained language models created using [mergekit](https://github.com/cg123/mergekit).
        """;
}
