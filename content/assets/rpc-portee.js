/* Material's partials/javascripts/base.html (mkdocs-material 9.8.1), read from this file instead of being written
   in each page (some 300 bytes a page; overrides/partials/javascripts/base.html loads it, not deferred, where
   Material writes it): the site's address, whose path names what Material keeps in the browser's storage (the
   chosen palette), and the functions that read and write it. Material takes it from the page's address and its
   relative path to the site's root; here, from this script's own address, one folder below the root (assets/):
   the same address. */
__md_scope=new URL("..",document.currentScript.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}
