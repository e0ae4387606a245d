using Switchyard.Registry.Scanning;
using Switchyard.Registry.Scanning.Templates;

namespace Switchyard.Registry.Tests.Scanning.Templates;

public class ChatTemplateInspectorTests
{
    internal const string Llama3 = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}";

    internal const string ChatMl = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}";

    private const string Qwen = "{%- set ns = namespace(multi_step_tool=true, last_query_index=messages|length - 1) %}{%- for message in messages[::-1] %}{%- if ns.multi_step_tool and message.role == \"user\" %}{%- set ns.multi_step_tool = false %}{%- endif %}{%- endfor %}{{- '<|im_start|>' + message.role + '\\n' }}";

    private static List<ScanFinding> Inspect(string template) => ChatTemplateInspector.Inspect(template, "t.jinja", -1, "t.jinja");

    [Theory]
    [InlineData(Llama3)]
    [InlineData(ChatMl)]
    [InlineData(Qwen)]
    [InlineData("{{ 'You run on any OS. Then answer in French; do not evaluate code.' }}{{ messages|map(attribute='content')|join('\\n') }}")]
    public void Inspect_BenignTemplate_IsClean(string template)
    {
        Assert.Empty(Inspect(template));
    }

    [Theory]
    [InlineData("{{ ''.__class__.__mro__[1].__subclasses__() }}")]
    [InlineData("{{ self.__init__.__globals__.__builtins__.__import__('os').popen('id').read() }}")]
    [InlineData("{{ cycler.__init__.__globals__.os.popen('id').read() }}")]
    [InlineData("{{ joiner.__init__.__globals__.os.system('id') }}")]
    [InlineData("{{ namespace.__init__.__globals__.os.system('id') }}")]
    [InlineData("{{ lipsum.__globals__['os'].popen('id').read() }}")]
    [InlineData("{{ config.__class__.__init__.__globals__['os'] }}")]
    [InlineData("{{ self._TemplateReference__context.cycler }}")]
    [InlineData("{{ ''['__cla' ~ 'ss__'] }}")]
    [InlineData("{{ ''|attr('__cla' + 'ss__') }}")]
    [InlineData("{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}")]
    [InlineData("{{ ''|attr('\\u005f\\u005fclass\\u005f\\u005f') }}")]
    [InlineData("{{ ''|attr('\\137\\137class\\137\\137') }}")]
    [InlineData("{{ ''|attr('__ssalc__'|reverse) }}")]
    [InlineData("{{ x.__ globals __ }}")]
    [InlineData("{{ os.popen('id') }}")]
    [InlineData("{{ x.os\\56system('id') }}")]
    [InlineData("{% set s = 'subprocess' %}")]
    [InlineData("{{ eval('1') }}")]
    [InlineData("{{ exec ('1') }}")]
    public void Inspect_PythonInternals_AreCritical(string template)
    {
        Assert.Contains(Inspect(template), f => f.Severity == FindingSeverity.Critical);
    }

    [Theory]
    [InlineData("{{ ''|attr(name) }}")]
    [InlineData("{{ ''|attr(('_'*2) ~ 'class' ~ ('_'*2)) }}")]
    [InlineData("{{ '%c%c'|format(95, 95) }}")]
    [InlineData("{{ '{:c}'.format(95) }}")]
    [InlineData("{{ (x|string|list)[18] }}")]
    [InlineData("{{ ''|attr('\\N{LOW LINE}\\N{LOW LINE}class\\N{LOW LINE}\\N{LOW LINE}') }}")]
    [InlineData("{{ lipsum }}")]
    [InlineData("{% set c = cycler(1, 2) %}{{ c.next() }}")]
    public void Inspect_NamesBuiltAtRunTime_AreHigh(string template)
    {
        Assert.Contains(Inspect(template), f => f.Severity >= FindingSeverity.High);
    }
}
