using System.Text;
using Microsoft.AspNetCore.Http;
using Switchyard.Gateway.Auth;
using Switchyard.Gateway.Configuration;
using Switchyard.Gateway.Forwarding;
using Switchyard.Gateway.Routing;
using Switchyard.Storage.Keys;

namespace Switchyard.Gateway.Tests.Forwarding;

public sealed class RouterTagsTests
{
    private static readonly ProviderConfig Provider = new() { Name = "p", Kind = ProviderKind.OpenAI, BaseUrl = new Uri("http://127.0.0.1:9/v1") };

    private static Route MakeRoute(params string[] tags)
    {
        var deployment = new Deployment(new DeploymentConfig { Name = "d", Provider = "p", Model = "m" }, Provider, TimeProvider.System);
        var tier = new Tier(new TierConfig { Name = "t", Members = [new TierMemberConfig("d", 1)] }, [deployment]);
        return new Route(new RouteConfig { Name = "chat", Tags = [.. tags] }, [tier]);
    }

    private static DefaultHttpContext Context(string? header = null, params string[] keyTags)
    {
        var context = new DefaultHttpContext();
        if (header is not null)
        {
            context.Request.Headers[RequestForwarder.TagsHeader] = header;
        }

        if (keyTags.Length > 0)
        {
            ClientAuthentication.SetKey(context, new ApiKeyRecord { Id = "sy_test", Hash = [1], Team = "t", Created = DateTimeOffset.UnixEpoch, Tags = keyTags });
        }

        return context;
    }

    private static string Write(HttpContext context, string metadata, Route route, string? label, int capacity = RouterTags.MaxChars)
    {
        var buffer = new char[capacity];
        var written = RouterTags.Write(context, Encoding.UTF8.GetBytes(metadata), route, label, buffer);
        return new string(buffer, 0, written);
    }

    [Fact]
    public void Write_EverySource_LabelThenHeaderMetadataAndRoute()
    {
        var tags = Write(Context("team-a, Code", "from-key"), """{"user":"u1","tags":"exam,code"}""", MakeRoute("support"), label: "code");

        // The label first; a repeat in any case once; the key's tags only when the request brings none.
        Assert.Equal("code,team-a,exam,support", tags);
    }

    [Fact]
    public void Write_NoOwnTags_TheKeysDefaults()
    {
        Assert.Equal("from-key,other,support", Write(Context(null, "from-key", "other"), "", MakeRoute("support"), label: null));
        Assert.Equal("from-key", Write(Context("  , ", "from-key"), """{"tags":""}""", MakeRoute(), label: null));
    }

    [Fact]
    public void Write_NoTagsAnywhere_Empty()
    {
        Assert.Equal("", Write(Context(), "", MakeRoute(), label: null));
        Assert.Null(RouterTags.Of(Context(), default, MakeRoute()));
    }

    [Fact]
    public void Write_SmallDestination_KeepsWholeTagsOnly()
    {
        Assert.Equal("alpha,beta", Write(Context("alpha,beta,gamma"), "", MakeRoute(), label: null, capacity: 12));
    }

    [Fact]
    public void Write_DoesNotAllocate()
    {
        var context = Context("team-a, code", "from-key");
        var route = MakeRoute("support");
        var metadata = """{"tags":"exam"}"""u8.ToArray();
        var buffer = new char[RouterTags.MaxChars];
        var written = 0;

        Assert.Equal(0, Support.Allocations.Steady(() => written += RouterTags.Write(context, metadata, route, "code", buffer)));
        Assert.True(written > 0);
    }

    [Fact]
    public void Combine_StoredLabelAndTags_AsWriteWouldHave()
    {
        Assert.Equal("code,team-a,support", RouterTags.Combine("code", "team-a,CODE,support"));
        Assert.Equal("team-a", RouterTags.Combine(null, "team-a"));
        Assert.Equal("", RouterTags.Combine(null, null));
    }

    [Theory]
    [InlineData("""{"model":"m","metadata":{"tags":"exam, team-a"},"messages":[]}""", "exam, team-a")]
    [InlineData("""{"model":"m","messages":[]}""", null)]
    [InlineData("""{"metadata":{"tags":3}}""", null)]
    [InlineData("not json", null)]
    public void FromStoredRequest_ReadsMetadataTags(string request, string? expected)
    {
        Assert.Equal(expected, RouterTags.FromStoredRequest(request));
    }
}
