// The page's one script (an IIFE bundle): registers <tcp-playground> and its parts. The engine
// (tcpplay.js, a classic script defining TcpPlayModule) comes first in the same file (build.mjs).
import './components/tcp-playground/tcp-playground';
