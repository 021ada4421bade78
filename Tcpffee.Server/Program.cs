using Tcpffee.Cli;
using Tcpffee.Hosting;

RuntimeTuning.Apply();
return await TcpffeeCommandLine.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
