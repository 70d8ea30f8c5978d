// SVG files are imported as strings: the JupyterLab builder and the jest
// config both load them raw.
declare module '*.svg' {
  const value: string;
  export default value;
}
