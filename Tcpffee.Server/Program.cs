using Tcpffee.Cli;

return await TcpffeeCommandLine.Create().Parse(args).InvokeAsync().ConfigureAwait(false);
