// The page's one script (an IIFE bundle): registers <tcp-playground> and its parts. The engine
// (tcpplay.js, a classic script defining TcpPlayModule) is loaded before it by index.html.
import './components/tcp-playground/tcp-playground';
