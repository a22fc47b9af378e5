/** Style sheets the bundler emits next to the script (graph.css → dist/webview/graph.css). */
declare module '*.css';
